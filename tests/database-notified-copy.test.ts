import { randomBytes } from "node:crypto";

import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { createDatabaseNotifiedCopy, type DatabaseNotifiedCopy } from "@/server/database-notified-copy";
import { SESSION_CHANGE_CHANNEL } from "@/server/sessions/session-service";
import { useTestDatabase } from "./support/test-database";

/*
 * The copy of database reads kept while PostgreSQL announces changes (server/database-notified-copy.ts),
 * against the real PostgreSQL with the migrations' triggers: the app's pool reads and sends heartbeats,
 * and "another process" (a client of its own) writes.
 */

interface Row {
  role: string;
  lastUsedAt: string;
}

describe("database-notified copy (LISTEN/NOTIFY)", () => {
  const database = useTestDatabase("notifiedCopy");
  let other: pg.Client;
  const open: Array<DatabaseNotifiedCopy<Row | null>> = [];
  const listeners: pg.Client[] = [];

  beforeAll(async () => {
    other = new pg.Client({ connectionString: database.url });
    await other.connect();
  });
  afterEach(async () => {
    for (const copy of open.splice(0)) await copy.close();
    listeners.splice(0);
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await other?.end();
  });

  /** A copy as the app makes one (heartbeats through the pool), with its loads counted; returned once live unless told. */
  async function createCopy({ heartbeatMs = 100, idleAfterMs = 60_000, maxAgeMs, notify, reportSilenceAfterMs, untilLive = true }: { heartbeatMs?: number; idleAfterMs?: number; maxAgeMs?: number; notify?: (channel: string, payload: string) => Promise<unknown>; reportSilenceAfterMs?: number; untilLive?: boolean } = {}) {
    const heartbeats = vi.fn((channel: string, payload: string) => database.sql.query("SELECT pg_notify($1, $2)", [channel, payload]));
    const copy = createDatabaseNotifiedCopy<Row | null>({
      channel: SESSION_CHANGE_CHANNEL,
      connect: () => {
        const client = new pg.Client({ connectionString: database.url });
        listeners.push(client);
        return client;
      },
      notify: notify ?? heartbeats,
      heartbeatMs,
      idleAfterMs,
      maxAgeMs,
      reportSilenceAfterMs,
    });
    open.push(copy);
    const loads = vi.fn(async (tokenHash: string) => {
      const [row] = await database.sql.query<Row>(`SELECT u."role"::text AS "role", s."lastUsedAt"::text AS "lastUsedAt" FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."tokenHash" = $1`, [tokenHash]);
      return row ?? null;
    });
    const read = (tokenHash: string) => copy.read(tokenHash, () => loads(tokenHash));
    // The first read starts it.
    await read("start");
    if (untilLive) await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 2_000, interval: 5 });
    return { copy, read, loads, heartbeats, listener: () => listeners.at(-1)! };
  }

  /** A person and a session of theirs, written by the other process; returns the session's token hash. */
  async function newSession(role: "user" | "admin" = "user") {
    const userId = `u${randomBytes(8).toString("hex")}`;
    const tokenHash = randomBytes(32).toString("hex");
    await other.query(`INSERT INTO "User" ("id", "role", "updatedAt") VALUES ($1, $2, now())`, [userId, role]);
    await insertSession(userId, tokenHash);
    return { userId, tokenHash };
  }

  async function insertSession(userId: string, tokenHash: string) {
    await other.query(`INSERT INTO "Session" ("id", "tokenHash", "userId", "expiresAt", "lastUsedAt", "updatedAt") VALUES ($1, $2, $3, now() + interval '1 day', '2026-01-01T00:00:00Z', now())`, [`s${randomBytes(8).toString("hex")}`, tokenHash, userId]);
  }

  /** Reads twice in a row without loading (retried for a moment: the first read may still be overtaken by an announcement). */
  async function expectServedFromMemory(read: () => Promise<unknown>, loads: { mock: { calls: unknown[] } }) {
    await vi.waitFor(
      async () => {
        await read();
        const before = loads.mock.calls.length;
        await read();
        await read();
        expect(loads.mock.calls.length).toBe(before);
      },
      { timeout: 2_000, interval: 10 },
    );
  }

  it("answers a repeated read from memory, a missing row too", async () => {
    const { read, loads } = await createCopy();
    const { tokenHash } = await newSession();
    const missing = randomBytes(32).toString("hex");
    await expectServedFromMemory(() => read(tokenHash), loads);
    expect(await read(tokenHash)).toMatchObject({ role: "user" });
    await expectServedFromMemory(() => read(missing), loads);
    expect(await read(missing)).toBeNull();
  });

  it("hears another process's update, delete and insert of a session at once", async () => {
    const { read, loads } = await createCopy();
    const { userId, tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);

    await other.query(`UPDATE "Session" SET "lastUsedAt" = '2026-01-01T00:05:00Z' WHERE "tokenHash" = $1`, [tokenHash]);
    await vi.waitFor(async () => expect((await read(tokenHash))?.lastUsedAt).toBe("2026-01-01 00:05:00"), { timeout: 500, interval: 2 });

    await other.query(`DELETE FROM "Session" WHERE "tokenHash" = $1`, [tokenHash]);
    await vi.waitFor(async () => expect(await read(tokenHash)).toBeNull(), { timeout: 500, interval: 2 });

    // Remembered as missing, then created (no token is ever reused, but the copy must not care).
    await expectServedFromMemory(() => read(tokenHash), loads);
    await insertSession(userId, tokenHash);
    await vi.waitFor(async () => expect(await read(tokenHash)).not.toBeNull(), { timeout: 500, interval: 2 });
  });

  it("hears a change to a person's role for every session of theirs, and a person deleted", async () => {
    const { read, loads } = await createCopy();
    const { userId, tokenHash } = await newSession();
    const second = randomBytes(32).toString("hex");
    await insertSession(userId, second);
    for (const hash of [tokenHash, second]) await expectServedFromMemory(() => read(hash), loads);

    await other.query(`UPDATE "User" SET "role" = 'admin' WHERE "id" = $1`, [userId]);
    for (const hash of [tokenHash, second]) await vi.waitFor(async () => expect(await read(hash)).toMatchObject({ role: "admin" }), { timeout: 500, interval: 2 });

    await other.query(`DELETE FROM "User" WHERE "id" = $1`, [userId]);
    for (const hash of [tokenHash, second]) await vi.waitFor(async () => expect(await read(hash)).toBeNull(), { timeout: 500, interval: 2 });
  });

  it("announces a person's change only when it reaches a session lookup (not every sign-in's timestamp)", async () => {
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    try {
      const { userId, tokenHash } = await newSession();
      const heard: string[] = [];
      listener.on("notification", ({ payload }) => heard.push(payload!));
      await listener.query(`LISTEN "${SESSION_CHANGE_CHANNEL}"`);
      await other.query(`UPDATE "User" SET "tokensValidAfter" = now(), "updatedAt" = now() WHERE "id" = $1`, [userId]);
      await other.query(`UPDATE "User" SET "name" = 'Renamed' WHERE "id" = $1`, [userId]);
      // Notifications arrive in commit order: the marker comes after whatever the two updates announced.
      await other.query(`SELECT pg_notify($1, 'marker')`, [SESSION_CHANGE_CHANNEL]);
      await vi.waitFor(() => expect(heard.at(-1)).toBe("marker"), { timeout: 1_000, interval: 2 });
      expect(heard).toEqual([tokenHash, "marker"]);
    } finally {
      await listener.end();
    }
  });

  it("does not keep a reply that an announcement overtook", async () => {
    const { copy, read, loads, listener } = await createCopy({ heartbeatMs: 10_000 });
    const { tokenHash } = await newSession();
    let heard = false;
    listener().on("notification", ({ payload }) => {
      if (payload === tokenHash) heard = true;
    });
    // The read's reply is held back until the row has changed and the announcement has arrived.
    const overtaken = copy.read(tokenHash, async () => {
      const stale = await loads(tokenHash);
      await other.query(`UPDATE "User" SET "role" = 'admin' WHERE "id" = (SELECT "userId" FROM "Session" WHERE "tokenHash" = $1)`, [tokenHash]);
      await vi.waitFor(() => expect(heard).toBe(true), { timeout: 1_000, interval: 2 });
      return stale;
    });
    expect(await overtaken).toMatchObject({ role: "user" });
    expect(await read(tokenHash)).toMatchObject({ role: "admin" });
  });

  it("drops what this process forgets at once, without waiting for the announcement", async () => {
    const { copy, read, loads, listener } = await createCopy({ heartbeatMs: 10_000 });
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    const stream = (listener() as unknown as { connection: { stream: { pause(): void; resume(): void } } }).connection.stream;
    stream.pause();
    try {
      await other.query(`DELETE FROM "Session" WHERE "tokenHash" = $1`, [tokenHash]);
      expect(copy.isLive).toBe(true);
      copy.forget([tokenHash]);
      expect(await read(tokenHash)).toBeNull();
    } finally {
      stream.resume();
    }
  });

  it("stops trusting a silently stalled link within two heartbeats", async () => {
    const { copy, read, loads, listener } = await createCopy({ heartbeatMs: 100 });
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    const stream = (listener() as unknown as { connection: { stream: { pause(): void; resume(): void } } }).connection.stream;
    stream.pause();
    try {
      await vi.waitFor(() => expect(copy.isLive).toBe(false), { timeout: 400, interval: 5 });
      // Deleted while the announcement is stuck: read from the database.
      await other.query(`DELETE FROM "Session" WHERE "tokenHash" = $1`, [tokenHash]);
      const before = loads.mock.calls.length;
      expect(await read(tokenHash)).toBeNull();
      expect(loads.mock.calls.length).toBe(before + 1);
    } finally {
      stream.resume();
    }
    // The stuck announcements and heartbeats arrive, and the copy is trusted again.
    await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 1_000, interval: 5 });
    expect(await read(tokenHash)).toBeNull();
  });

  it("empties the copy when its listening connection is cut, reads the database meanwhile, and listens again", async () => {
    // Heartbeats far apart: the cut itself must stop the copy, not a missed heartbeat.
    const { copy, read, loads, listener } = await createCopy({ heartbeatMs: 10_000 });
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    const cut = listener();
    await other.query(`SELECT pg_terminate_backend($1)`, [(cut as unknown as { processID: number }).processID]);
    await vi.waitFor(() => expect(copy.isLive).toBe(false), { timeout: 500, interval: 5 });
    // Changed while nobody listened: the copy was emptied, so the change is read.
    await other.query(`UPDATE "Session" SET "lastUsedAt" = '2026-01-01T00:07:00Z' WHERE "tokenHash" = $1`, [tokenHash]);
    expect((await read(tokenHash))?.lastUsedAt).toBe("2026-01-01 00:07:00");
    await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 3_000, interval: 10 });
    expect(listener()).not.toBe(cut);
    await expectServedFromMemory(() => read(tokenHash), loads);
    expect((await read(tokenHash))?.lastUsedAt).toBe("2026-01-01 00:07:00");
  });

  it("is never trusted where its heartbeats do not come back (a pooler in transaction mode, an embedded database), and says so once", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
    // Sent, but never to this listener: what a pooler in transaction mode does.
    const { copy, read, loads } = await createCopy({ heartbeatMs: 20, reportSilenceAfterMs: 100, untilLive: false, notify: (_channel, payload) => database.sql.query("SELECT pg_notify('elsewhere', $1)", [payload]) });
    const { tokenHash } = await newSession();
    for (let index = 0; index < 5; index += 1) await read(tokenHash);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(copy.isLive).toBe(false);
    await read(tokenHash);
    expect(loads.mock.calls.filter(([hash]) => hash === tokenHash)).toHaveLength(6);
    expect(warnings.mock.calls.filter(([message]) => String(message).includes("DATABASE_CHANGE_NOTIFICATIONS"))).toHaveLength(1);
  });

  it("sends no heartbeat while nobody reads, and trusts the copy again only once one has come back", async () => {
    const { copy, read, loads, heartbeats } = await createCopy({ heartbeatMs: 50, idleAfterMs: 200 });
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const sent = heartbeats.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heartbeats.mock.calls.length).toBe(sent);
    expect(copy.isLive).toBe(false);

    // Changed during the quiet spell: the announcement still arrived (the connection stayed open).
    await other.query(`UPDATE "Session" SET "lastUsedAt" = '2026-01-01T00:09:00Z' WHERE "tokenHash" = $1`, [tokenHash]);
    const before = loads.mock.calls.length;
    expect((await read(tokenHash))?.lastUsedAt).toBe("2026-01-01 00:09:00");
    expect(loads.mock.calls.length).toBe(before + 1);
    await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 1_000, interval: 5 });
    await expectServedFromMemory(() => read(tokenHash), loads);
  });

  it("keeps a value no longer than its maximum age", async () => {
    const { read, loads } = await createCopy({ maxAgeMs: 150 });
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    const before = loads.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await read(tokenHash);
    expect(loads.mock.calls.length).toBe(before + 1);
  });
});
