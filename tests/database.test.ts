import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import pg from "pg";
import { afterEach, describe, expect, it, vi, type MockInstance } from "vitest";

import { newRowId, sqlOver } from "@/server/database";
import { startEmbeddedPostgres } from "../scripts/lib/embedded-postgres";
import { RECORD_ID_PATTERN } from "@/lib/record-id";

import { startOnFreePort } from "./support/free-port";
import { createTestDatabase, useTestDatabase } from "./support/test-database";

/*
 * Plain SQL beside Prisma (server/database.ts): the same instants both ways, whatever the process's time
 * zone. Prisma's DateTime columns hold UTC without a zone; pg alone would read and write local time.
 */
describe("plain SQL on Prisma's pool", () => {
  const database = useTestDatabase("plain_sql");
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  for (const timeZone of ["UTC", "America/New_York", "Asia/Kolkata"]) {
    it(`reads what Prisma wrote, and Prisma reads what it wrote, in ${timeZone}`, async () => {
      process.env.TZ = timeZone;
      const instant = new Date("2026-12-01T10:11:12.345Z");
      const user = await database.db.user.create({ data: { name: "zone", tokensValidAfter: instant } });
      const [read] = await database.sql.query<{ tokensValidAfter: Date }>(`SELECT "tokensValidAfter" FROM "User" WHERE "id" = $1`, [user.id]);
      expect(read!.tokensValidAfter.toISOString()).toBe(instant.toISOString());

      const later = new Date("2026-12-24T23:30:00.001Z");
      await database.sql.query(`UPDATE "User" SET "tokensValidAfter" = $1 WHERE "id" = $2`, [later, user.id]);
      const back = await database.db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(back.tokensValidAfter!.toISOString()).toBe(later.toISOString());
    });
  }

  it("makes row ids of our shape", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRowId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(RECORD_ID_PATTERN);
  });
});

describe("prepared statements (DATABASE_PREPARED_STATEMENTS)", () => {
  const statement = `SELECT $1::int + 1 AS "next"`;
  const prepared = async (client: pg.Pool) => (await client.query<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements`)).rows;

  /**
   * A fresh database with `count` pools of one connection each (so each pool is one server session) and
   * console.warn caught, for one test; all of it gone afterwards.
   */
  async function onFreshDatabase(label: string, count: number, run: (pools: pg.Pool[], warn: MockInstance<typeof console.warn>) => Promise<void>) {
    const database = await createTestDatabase(label);
    const pools = Array.from({ length: count }, () => new pg.Pool({ connectionString: database.url, max: 1 }));
    // The drop below ends any connection still closing with 57P01; unheard, the pool would throw it.
    for (const pool of pools) pool.on("error", () => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await run(pools, warn);
    } finally {
      warn.mockRestore();
      await Promise.all(pools.map((pool) => pool.end()));
      await database.drop();
    }
  }

  it("prepares each statement once per connection, under a name of its text, and runs it again by that name", () =>
    onFreshDatabase("prepared", 2, async ([pool, plainPool], warn) => {
      const sql = sqlOver(pool!, { preparedStatements: true });
      for (const value of [1, 2, 3]) expect(await sql.query(statement, [value])).toEqual([{ next: value + 1 }]);
      const names = await prepared(pool!);
      expect(names).toHaveLength(1);
      expect(names[0]!.name).toMatch(/^gatehouse_[0-9a-f]{32}$/);
      expect(names[0]!.statement).toBe(statement);
      // Off (the default), nothing is kept on the server.
      expect(await sqlOver(plainPool!).query(statement, [1])).toEqual([{ next: 2 }]);
      expect(await prepared(plainPool!)).toEqual([]);
      expect(warn).not.toHaveBeenCalled();
    }));

  it("goes on unprepared, once warned, when the database refuses a prepared statement: nothing lost, nothing run twice", () =>
    onFreshDatabase("prepared_refused", 2, async ([first, second], warn) => {
      await first!.query(`CREATE TABLE "counted" ("n" int)`);
      const insert = `INSERT INTO "counted" VALUES ($1) RETURNING "n"`;
      expect(await sqlOver(first!, { preparedStatements: true }).query(insert, [1])).toEqual([{ n: 1 }]);
      const name = (await prepared(first!))[0]!.name;
      // The same name already taken on the other connection (as on a pooler's backend that another
      // client prepared on, or the embedded database's one backend): PostgreSQL answers 42P05.
      await second!.query(`PREPARE "${name}" AS SELECT 1`);
      const refused = sqlOver(second!, { preparedStatements: true });
      expect(await refused.query(insert, [2])).toEqual([{ n: 2 }]);
      expect(await refused.query(insert, [3])).toEqual([{ n: 3 }]);
      expect((await first!.query(`SELECT "n" FROM "counted" ORDER BY "n"`)).rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain(`prepared statement "${name}" already exists`);
    }));

  it("goes on unprepared when a statement it prepared is gone from the server (26000, as behind a pooler's other backend)", () =>
    onFreshDatabase("prepared_gone", 1, async ([pool], warn) => {
      const sql = sqlOver(pool!, { preparedStatements: true });
      expect(await sql.query(statement, [1])).toEqual([{ next: 2 }]);
      // The connection believes it prepared the statement; the server no longer has it.
      await pool!.query("DEALLOCATE ALL");
      expect(await sql.query(statement, [2])).toEqual([{ next: 3 }]);
      expect(await sql.query(statement, [3])).toEqual([{ next: 4 }]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/prepared statement "gatehouse_[0-9a-f]+" does not exist/);
    }));

  it("goes on unprepared when a migration changed what a prepared statement returns (0A000)", () =>
    onFreshDatabase("prepared_stale", 1, async ([pool], warn) => {
      await pool!.query(`CREATE TABLE "changing" ("v" int); INSERT INTO "changing" VALUES (1)`);
      const sql = sqlOver(pool!, { preparedStatements: true });
      const select = `SELECT "v" FROM "changing"`;
      expect(await sql.query(select)).toEqual([{ v: 1 }]);
      await pool!.query(`ALTER TABLE "changing" ALTER COLUMN "v" TYPE text`);
      expect(await sql.query(select)).toEqual([{ v: "1" }]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("cached plan must not change result type");
    }));

  it("on the embedded database, where every connection shares one backend, falls back rather than fail", { timeout: 60_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-pglite-"));
    const embedded = await startOnFreePort((port) => startEmbeddedPostgres({ dataDir: path.join(dataDir, "data"), port }));
    const pool = new pg.Pool({ connectionString: embedded.url, max: 3 });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const sql = sqlOver(pool, { preparedStatements: true });
      const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => sql.query<{ next: number }>(statement, [index])));
      expect(answers.map(([row]) => row!.next)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
      await pool.end();
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
