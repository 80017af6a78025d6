import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { hashSessionToken } from "@/server/sessions/session-token";

/*
 * The migration that hashes session tokens must keep the sessions that exist: a browser signed in
 * before the upgrade stays signed in after it, and its token is no longer in the database.
 */
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const migrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");
const migrations = readdirSync(migrationsDir).filter((name) => /^\d+_/.test(name)).sort();
const hashMigration = migrations.findIndex((name) => name.endsWith("_hash_session_tokens"));

function sqlOf(name: string) {
  return readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
}

describe("migration hash_session_tokens", () => {
  const name = `gatehouse_test_hash_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  let db: pg.Client;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it("hashes the tokens of existing sessions in place and keeps their expiry", async () => {
    expect(hashMigration).toBeGreaterThan(0);
    for (const migration of migrations.slice(0, hashMigration)) await db.query(sqlOf(migration));
    const token = "0b7f3e2c-1111-4a4a-9999-123456789abc"; // an Auth.js-style UUID token from before
    const expires = new Date("2030-01-01T00:00:00Z");
    await db.query(`INSERT INTO "User" (id, "updatedAt") VALUES ('u1', now())`);
    await db.query(`INSERT INTO "Session" (id, "sessionToken", "userId", expires, "updatedAt") VALUES ('s1', $1, 'u1', $2, now())`, [token, expires]);

    await db.query(sqlOf(migrations[hashMigration]!));

    const { rows } = await db.query(`SELECT row_to_json(s)::text AS row, "tokenHash", "expiresAt" FROM "Session" s`);
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashSessionToken(token));
    expect(rows[0].expiresAt.getTime()).toBe(expires.getTime());
    expect(rows[0].row).not.toContain(token);
  });
});
