import { randomBytes } from "node:crypto";

import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { createDatabaseNotifiedCopy, type DatabaseNotifiedCopy } from "@/server/database-notified-copy";
import { SESSION_CHANGE_CHANNEL, sessionChangeHeartbeat, switchOnSessionChangeNotifications } from "@/server/sessions/session-change-notifications";
import { useTestDatabase } from "./support/test-database";

/*
 * The copy of database reads kept while PostgreSQL announces changes (server/database-notified-copy.ts),
 * against the real PostgreSQL with the migrations' triggers: the app's pool reads and sends heartbeats,
 * and "another process" (a client of its own) writes.
 */

interface Row {
  userId: string;
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
  async function createCopy({ heartbeatMs = 100, idleAfterMs = 60_000, maxAgeMs, heartbeat, silenceMs, untilLive = true }: { heartbeatMs?: number; idleAfterMs?: number; maxAgeMs?: number; heartbeat?: (channel: string, payload: string) => Promise<boolean>; silenceMs?: number; untilLive?: boolean } = {}) {
    // As the app wires it (server/services.ts): the switch turned on, heartbeats that vouch for the triggers.
    const heartbeats = vi.fn(sessionChangeHeartbeat(database.sql));
    const copy = createDatabaseNotifiedCopy<Row | null>({
      channel: SESSION_CHANGE_CHANNEL,
      connect: () => {
        const client = new pg.Client({ connectionString: database.url });
        listeners.push(client);
        return client;
      },
      prepare: switchOnSessionChangeNotifications,
      heartbeat: heartbeat ?? heartbeats,
      group: { prefix: "user:", of: (row) => row?.userId },
      heartbeatMs,
      idleAfterMs,
      maxAgeMs,
      silenceMs,
    });
    open.push(copy);
    const loads = vi.fn(async (tokenHash: string) => {
      const [row] = await database.sql.query<Row>(`SELECT s."userId", u."role"::text AS "role", s."lastUsedAt"::text AS "lastUsedAt" FROM "Session" s JOIN "User" u ON u."id" = s."userId" WHERE s."tokenHash" = $1`, [tokenHash]);
      return row ?? null;
    });
    const read = (tokenHash: string) => copy.read(tokenHash, () => loads(tokenHash));
    // The first read starts it.
    await read("start");
    if (untilLive) await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 2_000, interval: 5 });
    return { copy, read, loads, heartbeats, listener: () => listeners.at(-1)! };
  }

  const streamOf = (client: pg.Client) => (client as unknown as { connection: { stream: { pause(): void; resume(): void } } }).connection.stream;
  const processIdOf = (client: pg.Client) => (client as unknown as { processID: number }).processID;

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
      const { userId } = await newSession();
      const heard: string[] = [];
      listener.on("notification", ({ payload }) => heard.push(payload!));
      await listener.query(`LISTEN "${SESSION_CHANGE_CHANNEL}"`);
      await other.query(`UPDATE "User" SET "tokensValidAfter" = now(), "updatedAt" = now() WHERE "id" = $1`, [userId]);
      await other.query(`UPDATE "User" SET "name" = 'Renamed' WHERE "id" = $1`, [userId]);
      // Notifications arrive in commit order: the marker comes after whatever the two updates announced.
      await other.query(`SELECT pg_notify($1, 'marker')`, [SESSION_CHANGE_CHANNEL]);
      await vi.waitFor(() => expect(heard.at(-1)).toBe("marker"), { timeout: 1_000, interval: 2 });
      expect(heard).toEqual([`user:${userId}`, "marker"]);
    } finally {
      await listener.end();
    }
  });

  /**
   * A read whose reply is held back until `change` has committed and its announcement (`payload`) has
   * arrived; returns what that read answered and what the next read answers. The session's own insert
   * announcement has come and gone first (it would spoil the read anyway).
   */
  async function readOvertakenBy(change: (session: { userId: string; tokenHash: string }) => Promise<unknown>, payloadOf: (session: { userId: string; tokenHash: string }) => string) {
    const { copy, read, loads, listener } = await createCopy({ heartbeatMs: 10_000 });
    const session = await newSession();
    await expectServedFromMemory(() => read(session.tokenHash), loads);
    copy.forget([session.tokenHash]);
    let heard = false;
    listener().on("notification", ({ payload }) => {
      if (payload === payloadOf(session)) heard = true;
    });
    const overtaken = await copy.read(session.tokenHash, async () => {
      const stale = await loads(session.tokenHash);
      await change(session);
      await vi.waitFor(() => expect(heard).toBe(true), { timeout: 1_000, interval: 2 });
      return stale;
    });
    return { overtaken, next: await read(session.tokenHash) };
  }

  it("does not keep a reply that an announcement of its key overtook", async () => {
    const { overtaken, next } = await readOvertakenBy(
      ({ tokenHash }) => other.query(`UPDATE "Session" SET "lastUsedAt" = '2026-01-01T00:03:00Z' WHERE "tokenHash" = $1`, [tokenHash]),
      ({ tokenHash }) => tokenHash,
    );
    expect(overtaken).toMatchObject({ lastUsedAt: "2026-01-01 00:00:00" });
    expect(next).toMatchObject({ lastUsedAt: "2026-01-01 00:03:00" });
  });

  it("does not keep a reply whose person's change was announced while it was in flight", async () => {
    const { overtaken, next } = await readOvertakenBy(
      ({ userId }) => other.query(`UPDATE "User" SET "role" = 'admin' WHERE "id" = $1`, [userId]),
      ({ userId }) => `user:${userId}`,
    );
    expect(overtaken).toMatchObject({ role: "user" });
    expect(next).toMatchObject({ role: "admin" });
  });

  it("drops what this process forgets at once, without waiting for the announcement", async () => {
    const { copy, read, loads, listener } = await createCopy({ heartbeatMs: 10_000 });
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    const stream = streamOf(listener());
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
    const stream = streamOf(listener());
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
    await other.query(`SELECT pg_terminate_backend($1)`, [processIdOf(cut)]);
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
    const { copy, read, loads } = await createCopy({ heartbeatMs: 20, silenceMs: 100, untilLive: false, heartbeat: async (_channel, payload) => (await database.sql.query("SELECT pg_notify('elsewhere', $1)", [payload])).length === 1 });
    const { tokenHash } = await newSession();
    for (let index = 0; index < 5; index += 1) await read(tokenHash);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(copy.isLive).toBe(false);
    await read(tokenHash);
    expect(loads.mock.calls.filter(([hash]) => hash === tokenHash)).toHaveLength(6);
    expect(warnings.mock.calls.filter(([message]) => String(message).includes("DATABASE_CHANGE_NOTIFICATIONS"))).toHaveLength(1);
  });

  it("sends no heartbeat while nobody reads, and trusts the copy again only once one has come back", async () => {
    const { copy, read, loads, heartbeats, listener } = await createCopy({ heartbeatMs: 50, idleAfterMs: 200 });
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const sent = heartbeats.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heartbeats.mock.calls.length).toBe(sent);
    expect(copy.isLive).toBe(false);

    // Changed during the quiet spell, with its announcement held up on the way: waking must not trust the copy.
    const stream = streamOf(listener());
    stream.pause();
    try {
      await other.query(`UPDATE "Session" SET "lastUsedAt" = '2026-01-01T00:09:00Z' WHERE "tokenHash" = $1`, [tokenHash]);
      const before = loads.mock.calls.length;
      expect((await read(tokenHash))?.lastUsedAt).toBe("2026-01-01 00:09:00");
      expect(loads.mock.calls.length).toBe(before + 1);
      expect(heartbeats.mock.calls.length).toBeGreaterThan(sent);
    } finally {
      stream.resume();
    }
    await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 1_000, interval: 5 });
    await expectServedFromMemory(() => read(tokenHash), loads);
    expect((await read(tokenHash))?.lastUsedAt).toBe("2026-01-01 00:09:00");
  });

  it("does not keep a reply that was in flight while the listening connection was lost and replaced", async () => {
    const { copy, read, loads, listener } = await createCopy({ heartbeatMs: 100 });
    const { userId, tokenHash } = await newSession();
    // Once the insert's own announcement has come and gone (it would spoil the read below anyway).
    await expectServedFromMemory(() => read(tokenHash), loads);
    copy.forget([tokenHash]);
    const overtaken = copy.read(tokenHash, async () => {
      const stale = await loads(tokenHash);
      await other.query(`SELECT pg_terminate_backend($1)`, [processIdOf(listener())]);
      await vi.waitFor(() => expect(copy.isLive).toBe(false), { timeout: 1_000, interval: 5 });
      await other.query(`UPDATE "User" SET "role" = 'admin' WHERE "id" = $1`, [userId]); // nobody listens
      await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 4_000, interval: 10 });
      return stale;
    });
    expect(await overtaken).toMatchObject({ role: "user" });
    expect(await read(tokenHash)).toMatchObject({ role: "admin" });
  });

  it("hears a TRUNCATE: the whole copy goes, and it stays live", async () => {
    const { copy, read, loads } = await createCopy();
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    await other.query(`TRUNCATE "Session" CASCADE`);
    await vi.waitFor(async () => expect(await read(tokenHash)).toBeNull(), { timeout: 500, interval: 2 });
    expect(copy.isLive).toBe(true);
  });

  it("announces a person's change made while one of their sessions is being added, for that session too", async () => {
    const { read, loads } = await createCopy();
    const userId = `u${randomBytes(8).toString("hex")}`;
    const tokenHash = randomBytes(32).toString("hex");
    await other.query(`INSERT INTO "User" ("id", "role", "updatedAt") VALUES ($1, 'admin', now())`, [userId]);
    const [signingIn, demoting] = [new pg.Client({ connectionString: database.url }), new pg.Client({ connectionString: database.url })];
    await signingIn.connect();
    await demoting.connect();
    try {
      await signingIn.query("BEGIN");
      await signingIn.query(`INSERT INTO "Session" ("id", "tokenHash", "userId", "expiresAt", "updatedAt") VALUES ($1, $2, $3, now() + interval '1 day', now())`, [`s${randomBytes(8).toString("hex")}`, tokenHash, userId]);
      await demoting.query("BEGIN");
      // Its trigger waits for the sign-in to commit, then sees the new session.
      const demoted = demoting.query(`UPDATE "User" SET "role" = 'user' WHERE "id" = $1`, [userId]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await signingIn.query("COMMIT");
      await demoted;
      // Read (and kept) while the demotion is still uncommitted: admin, for now.
      await expectServedFromMemory(() => read(tokenHash), loads);
      expect(await read(tokenHash)).toMatchObject({ role: "admin" });
      await demoting.query("COMMIT");
      await vi.waitFor(async () => expect(await read(tokenHash)).toMatchObject({ role: "user" }), { timeout: 500, interval: 2 });
    } finally {
      await signingIn.end();
      await demoting.end();
    }
  });

  it("is not trusted while a trigger is disabled or the announcements are switched off", async () => {
    const { copy } = await createCopy();
    await other.query(`ALTER TABLE "Session" DISABLE TRIGGER "Session_notify_change"`);
    try {
      await vi.waitFor(() => expect(copy.isLive).toBe(false), { timeout: 500, interval: 5 });
    } finally {
      await other.query(`ALTER TABLE "Session" ENABLE TRIGGER "Session_notify_change"`);
    }
    await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 1_000, interval: 5 });
    await other.query(`DELETE FROM "ChangeNotificationSwitch"`);
    try {
      await vi.waitFor(() => expect(copy.isLive).toBe(false), { timeout: 500, interval: 5 });
    } finally {
      await other.query(`INSERT INTO "ChangeNotificationSwitch" ("channel") VALUES ($1) ON CONFLICT DO NOTHING`, [SESSION_CHANGE_CHANNEL]);
    }
  });

  it("forgets everything when the triggers were off meanwhile, even within one transaction (their fingerprint changed)", async () => {
    const { read, loads } = await createCopy();
    const { tokenHash } = await newSession();
    await expectServedFromMemory(() => read(tokenHash), loads);
    await other.query("BEGIN");
    await other.query(`ALTER TABLE "Session" DISABLE TRIGGER "Session_notify_change"`);
    await other.query(`DELETE FROM "Session" WHERE "tokenHash" = $1`, [tokenHash]);
    await other.query(`ALTER TABLE "Session" ENABLE TRIGGER "Session_notify_change"`);
    await other.query("COMMIT");
    await vi.waitFor(async () => expect(await read(tokenHash)).toBeNull(), { timeout: 1_000, interval: 5 });
  });

  it("announces nothing until a process listens (a deployment with Redis never pays for NOTIFY), then everything", async () => {
    await other.query(`DELETE FROM "ChangeNotificationSwitch"`);
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on("notification", ({ payload }) => heard.push(payload!));
      await listener.query(`LISTEN "${SESSION_CHANGE_CHANNEL}"`);
      const before = await newSession();
      await other.query(`SELECT pg_notify($1, 'marker')`, [SESSION_CHANGE_CHANNEL]);
      await vi.waitFor(() => expect(heard.at(-1)).toBe("marker"), { timeout: 1_000, interval: 2 });
      expect(heard).toEqual(["marker"]);

      // Except from a writer whose one snapshot could predate the switch (not READ COMMITTED): always.
      const repeatable = await newSession();
      heard.length = 0;
      await other.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await other.query(`UPDATE "Session" SET "lastUsedAt" = now() WHERE "tokenHash" = $1`, [repeatable.tokenHash]);
      await other.query("COMMIT");
      await other.query(`SELECT pg_notify($1, 'marker')`, [SESSION_CHANGE_CHANNEL]);
      await vi.waitFor(() => expect(heard.at(-1)).toBe("marker"), { timeout: 1_000, interval: 2 });
      expect(heard).toEqual([repeatable.tokenHash, "marker"]);
      heard.length = 1;
      heard[0] = "marker";

      await createCopy(); // switches them on
      const after = await newSession();
      await other.query(`DELETE FROM "Session" WHERE "tokenHash" = $1`, [before.tokenHash]);
      await other.query(`SELECT pg_notify($1, 'marker')`, [SESSION_CHANGE_CHANNEL]);
      await vi.waitFor(() => expect(heard.at(-1)).toBe("marker"), { timeout: 1_000, interval: 2 });
      expect(heard.slice(1)).toEqual([after.tokenHash, before.tokenHash, "marker"]);
    } finally {
      await listener.end();
    }
  });

  it("announces a change made by a writer with no rights on the switch's table, under another search_path (the triggers run as their owner)", async () => {
    await createCopy(); // switches them on
    const { tokenHash } = await newSession();
    const role = `gatehouse_test_writer_${randomBytes(4).toString("hex")}`;
    const listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    await other.query(`CREATE ROLE "${role}"`);
    try {
      await other.query(`GRANT USAGE ON SCHEMA public TO "${role}"; GRANT SELECT, INSERT, UPDATE, DELETE ON "Session", "User" TO "${role}"`);
      const heard: string[] = [];
      listener.on("notification", ({ payload }) => heard.push(payload!));
      await listener.query(`LISTEN "${SESSION_CHANGE_CHANNEL}"`);
      await other.query("BEGIN");
      await other.query(`SET LOCAL ROLE "${role}"`);
      await other.query("SET LOCAL search_path TO pg_catalog");
      await other.query(`DELETE FROM public."Session" WHERE "tokenHash" = $1`, [tokenHash]);
      await other.query("COMMIT");
      await other.query(`SELECT pg_notify($1, 'marker')`, [SESSION_CHANGE_CHANNEL]);
      await vi.waitFor(() => expect(heard.at(-1)).toBe("marker"), { timeout: 1_000, interval: 2 });
      expect(heard).toEqual([tokenHash, "marker"]);
    } finally {
      await other.query("ROLLBACK").catch(() => {});
      await listener.end();
      await other.query(`DROP OWNED BY "${role}"`);
      await other.query(`DROP ROLE "${role}"`);
    }
  });

  it("takes as a heartbeat only one it sent on this connection", async () => {
    // Its own heartbeats never come back; forged ones do.
    // Heartbeats far apart: a forged one taken would keep the copy trusted for 20 s.
    const { copy, listener } = await createCopy({ heartbeatMs: 10_000, untilLive: false, heartbeat: async () => true });
    await vi.waitFor(async () => expect((await other.query(`SELECT query FROM pg_stat_activity WHERE pid = $1`, [processIdOf(listener())])).rows[0]?.query).toContain("gatehouse_heartbeat_"), { timeout: 2_000 });
    const { rows } = await other.query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE pid = $1`, [processIdOf(listener())]);
    const heartbeatChannel = /"(gatehouse_heartbeat_[0-9a-f]+)"/.exec(rows[0]!.query)![1]!;
    for (const forged of ["1:0", "2:ffffffffffff", "9999999999999", "3:"]) await other.query(`SELECT pg_notify($1, $2)`, [heartbeatChannel, forged]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(copy.isLive).toBe(false);
  });

  it("replaces a listening connection that stops answering after it had answered (a link dropped without a word)", async () => {
    const { copy, listener } = await createCopy({ heartbeatMs: 50, silenceMs: 300 });
    const stalled = listener();
    streamOf(stalled).pause();
    await vi.waitFor(() => expect(listener()).not.toBe(stalled), { timeout: 3_000, interval: 10 });
    await vi.waitFor(() => expect(copy.isLive).toBe(true), { timeout: 3_000, interval: 10 });
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
