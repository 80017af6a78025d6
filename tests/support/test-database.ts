import { randomBytes } from "node:crypto";

import pg from "pg";
import { afterAll, beforeAll } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import { createDatabase, type Database, type Sql } from "@/server/database";

import { applyMigrations } from "../../scripts/lib/prisma-cli";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * A fresh database on the real PostgreSQL for one test file, migrated the way the app is
 * (`prisma migrate deploy`), and dropped afterwards.
 */
export async function createTestDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gatehouse_test_${label}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database with a Prisma client and plain SQL on it (one pool, as in the app), for the tests of
 * the calling `describe`: created before them, dropped after. Read `.db`, `.sql` and `.url` inside the
 * tests (they exist once `beforeAll` has run).
 */
export function useTestDatabase(label: string) {
  const state = {} as { url: string; db: PrismaClient; sql: Sql };
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let connection: Database | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(label);
    state.url = database.url;
    // As the app runs on a real PostgreSQL: the hot paths' plain SQL prepared (server/database.ts).
    connection = createDatabase(database.url, { preparedStatements: true });
    state.db = connection.db;
    state.sql = connection.sql;
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });
  return state;
}
