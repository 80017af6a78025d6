import "server-only";

import type { PrismaClient } from "@/generated/prisma/client";
import { getEnv } from "@/server/env";

import { createDatabase, type Database, type Sql } from "./database";

/**
 * The one database of the app process (Prisma, and plain SQL for the hot paths, on one pool), created
 * on first use.
 *
 * Prisma 7 runs its query compiler in TypeScript/Wasm and talks to PostgreSQL through the `pg` driver
 * adapter, so no native engine is needed anywhere. In development the database is kept on `globalThis`
 * so that hot reloads do not open a new connection pool each time.
 */
const globalForDb = globalThis as unknown as { gatehouseDatabase?: Database };

function database(): Database {
  globalForDb.gatehouseDatabase ??= createDatabase(getEnv().databaseUrl, { connectionTimeoutMillis: 5_000, preparedStatements: getEnv().databasePreparedStatements });
  return globalForDb.gatehouseDatabase;
}

export function getDb(): PrismaClient {
  return database().db;
}

/** Plain SQL on the same pool (server/database.ts says where it is used, and why). */
export function getSql(): Sql {
  return database().sql;
}
