// The migrations in prisma/migrations, applied by the unchanged Prisma CLI through the Wasm schema
// engine (scripts/prisma-schema-engine.mjs) to a scratch database on the real PostgreSQL.
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { REPO_ROOT, runPrismaCli, WASM_SCHEMA_ENGINE } from "../../scripts/lib/prisma-cli";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const migrationsDir = path.join(REPO_ROOT, "prisma", "migrations");
const schemaPath = path.join(REPO_ROOT, "prisma", "schema.prisma");
const CLI_TIMEOUT = 60_000;

const databaseName = `gatehouse_migrate_${randomBytes(4).toString("hex")}`;
const databaseUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
})();
/** The Wasm engine even where a native one is installed: it is what this test is about. */
const env = { DATABASE_URL: databaseUrl, PRISMA_SCHEMA_ENGINE_BINARY: WASM_SCHEMA_ENGINE };

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function migrationNamesOnDisk(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe("Prisma Migrate with the Wasm schema engine, on PostgreSQL", () => {
  let outputDir: string;

  beforeAll(async () => {
    await query(adminUrl, `CREATE DATABASE "${databaseName}"`);
    outputDir = await mkdtemp(path.join(os.tmpdir(), "gatehouse-migrate-"));
  });

  afterAll(async () => {
    await query(adminUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  it(
    "migrate deploy creates the Auth.js tables and records every migration as applied",
    async () => {
      await runPrismaCli(["migrate", "deploy"], { env });

      const tables = await query<{ table_name: string }>(
        databaseUrl,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(["User", "Account", "Session", "VerificationToken", "_prisma_migrations"]),
      );

      const applied = await query<{ migration_name: string }>(
        databaseUrl,
        `SELECT migration_name FROM _prisma_migrations
         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
      );
      const onDisk = await migrationNamesOnDisk();
      expect(onDisk.some((name) => name.endsWith("_init"))).toBe(true);
      expect(applied.map((row) => row.migration_name)).toEqual(onDisk);
    },
    CLI_TIMEOUT,
  );

  it(
    "migrate status exits 0 once every migration is applied",
    async () => {
      await expect(runPrismaCli(["migrate", "status"], { env })).resolves.toBeUndefined();
    },
    CLI_TIMEOUT,
  );

  it(
    "migrate diff from the migrations to the schema is empty: no schema change lacks its migration",
    async () => {
      const output = path.join(outputDir, "diff.sql");
      // --exit-code: 2 (a rejection here) when there is a difference.
      await runPrismaCli(
        ["migrate", "diff", "--from-migrations", migrationsDir, "--to-schema", schemaPath, "--script", "--exit-code", "--output", output],
        { env },
      );
      expect((await readFile(output, "utf8")).trim()).toBe("-- This is an empty migration.");
    },
    CLI_TIMEOUT,
  );

  it(
    "migrate diff reports a schema change that has no migration",
    async () => {
      // The check above would pass vacuously if diff never saw differences: show that it does.
      const changedSchema = path.join(outputDir, "schema.prisma");
      const schema = await readFile(schemaPath, "utf8");
      await writeFile(changedSchema, schema.replace("model User {", "model User {\n  driftProbe String?"));
      const output = path.join(outputDir, "drift.sql");

      const diff = runPrismaCli(
        ["migrate", "diff", "--from-migrations", migrationsDir, "--to-schema", changedSchema, "--script", "--exit-code", "--output", output],
        { env },
      );

      await expect(diff).rejects.toMatchObject({ code: "PRISMA_CLI_FAILED", exitCode: 2 });
      expect(await readFile(output, "utf8")).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"driftProbe" TEXT/);
    },
    CLI_TIMEOUT,
  );
});
