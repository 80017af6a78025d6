import "server-only";

import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "@/generated/prisma/client";
import { getEnv } from "@/server/env";

/**
 * The one Prisma client of the app process, created on first use.
 *
 * Prisma 7 runs its query compiler in TypeScript/Wasm and talks to PostgreSQL through the `pg` driver
 * adapter, so no native engine is needed anywhere. In development the client is kept on `globalThis`
 * so that hot reloads do not open a new connection pool each time.
 */
const globalForDb = globalThis as unknown as { gatehouseDb?: PrismaClient };

export function getDb(): PrismaClient {
  globalForDb.gatehouseDb ??= createDb(getEnv().databaseUrl);
  return globalForDb.gatehouseDb;
}

function createDb(connectionString: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}
