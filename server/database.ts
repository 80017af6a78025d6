import { createHash, randomBytes } from "node:crypto";

import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "@/generated/prisma/client";

/**
 * Plain SQL, for the few statements on a hot path (a refresh-token rotation, a session lookup, the
 * denylist check without Redis). Prisma is the app's way to the database everywhere else; on these
 * paths its cost dominates: measured here, a Prisma query costs 0.22–0.37 ms of CPU against 0.06 ms for
 * the same statement through `pg`, and an interactive transaction of three statements 2.5 ms. Each
 * statement here is one round trip (a rotation is one statement with data-modifying CTEs, atomic on its
 * own), on the same connection pool as Prisma.
 *
 * Each statement is prepared on the server once per connection (a named statement, its name a hash of
 * its text), so PostgreSQL parses and plans it once, not on every request: measured here, the session
 * lookup's join costs PostgreSQL 227 µs of CPU unprepared against 71 µs prepared, and this process 20%
 * less. `DATABASE_PREPARED_STATEMENTS=off` sends them unnamed, for what cannot keep a statement between
 * two requests on one connection: the embedded development database (one backend for every connection,
 * where two connections preparing one name collide; the dev runner turns them off) and a pooler in
 * transaction mode that does not track them (PgBouncer before 1.21; RDS Proxy keeps them but pins each
 * client to one database connection for it). Should the database refuse a
 * prepared statement anyway, this process logs it once and goes on unprepared: the refused statement
 * never ran (the refusal comes at Parse or Bind), so it is sent again as it is.
 */
export interface Sql {
  /**
   * The rows of one statement. Dates in `values` are sent as UTC; `timestamp` columns (Prisma's
   * DateTime: UTC, without a zone) come back as Dates.
   */
  query<Row>(text: string, values?: readonly unknown[]): Promise<Row[]>;
}

/** Prisma's DateTime columns are `timestamp(3)` holding UTC; pg alone would read them as local time. */
const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
const types = {
  getTypeParser: ((oid: number, format?: string) => (oid === TIMESTAMP_OID ? parseUtcTimestamp : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser,
};

/**
 * PostgreSQL's answers to a named statement it cannot run as prepared, each given before the statement
 * runs (at Parse or Bind): the name already exists (42P05) or does not (26000), or a migration changed
 * the type of a column the statement returns since it was planned (0A000, "cached plan must not change
 * result type").
 */
const PREPARED_STATEMENT_REFUSALS = new Set(["42P05", "26000"]);

function isPreparedStatementRefusal(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (PREPARED_STATEMENT_REFUSALS.has(code as string)) return true;
  return code === "0A000" && typeof message === "string" && message.includes("cached plan must not change result type");
}

/** Past this many texts, new ones go unprepared: a text built from input would otherwise grow without end. */
const MAX_PREPARED_TEXTS = 100;

export function sqlOver(pool: pg.Pool, { preparedStatements = false }: { preparedStatements?: boolean } = {}): Sql {
  let prepare = preparedStatements;
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED_TEXTS) {
      // One name per text, whichever statement asks: two texts never share one.
      name = `gatehouse_${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async query<Row>(text: string, values: readonly unknown[] = []) {
      // An ISO string with its Z: PostgreSQL drops the zone for a `timestamp` column, which is UTC.
      const params = values.map((value) => (value instanceof Date ? value.toISOString() : value));
      const name = prepare ? nameOf(text) : undefined;
      if (name) {
        try {
          return (await pool.query({ name, text, values: params, types })).rows as Row[];
        } catch (error) {
          if (!isPreparedStatementRefusal(error)) throw error;
          // Once, though several statements in flight may be refused together.
          if (prepare) console.warn(`[db] the database refused a prepared statement (${(error as Error).message}): sending plain statements from now on. Set DATABASE_PREPARED_STATEMENTS=off for this database.`);
          prepare = false;
        }
      }
      return (await pool.query({ text, values: params, types })).rows as Row[];
    },
  };
}

export interface Database {
  db: PrismaClient;
  sql: Sql;
  /** Closes the pool both use. */
  close(): Promise<void>;
}

/** Prisma and plain SQL on one connection pool; plain SQL prepared only when asked (`sqlOver`). */
export function createDatabase(
  connectionString: string,
  { preparedStatements = false, ...poolOptions }: Omit<pg.PoolConfig, "connectionString"> & { preparedStatements?: boolean } = {},
): Database {
  const pool = new pg.Pool({ connectionString, ...poolOptions });
  // An idle connection that drops (a database restart) is replaced on next use; unheard, it would crash the process.
  pool.on("error", (error) => console.error("[db] idle connection lost:", error.message));
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    sql: sqlOver(pool, { preparedStatements }),
    async close() {
      await db.$disconnect();
      await pool.end();
    },
  };
}

/** An id for a row written in plain SQL, of the shape Prisma's cuid() gives (lowercase letters and digits, 25). */
export function newRowId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(24);
  let id = "c";
  for (const byte of bytes) id += alphabet[byte % 36];
  return id;
}
