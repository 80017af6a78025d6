import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { HARD_CODED_REDIS_DATABASES, REDIS_DATABASES, redisDatabaseUrl, testRedisUrl } from "./support/redis";

/*
 * The Redis allocation of tests/support/redis.ts holds: every suite, benchmark and end-to-end stack on
 * a database of its own, so none flushes another's.
 */

const root = path.resolve(import.meta.dirname, "..");

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(root, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.[cm]?tsx?$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** For each database or table row, the files that use it (this one aside: its examples use none). */
async function usesIn(folders: string[], pattern: RegExp): Promise<Map<string, Set<string>>> {
  const uses = new Map<string, Set<string>>();
  const files = (await Promise.all(folders.map(sourceFiles))).flat().filter((file) => file !== path.relative(root, import.meta.filename));
  for (const file of files) {
    for (const match of (await readFile(path.join(root, file), "utf8")).matchAll(pattern)) {
      uses.set(match[1]!, (uses.get(match[1]!) ?? new Set()).add(file));
    }
  }
  return uses;
}

describe("Redis databases of the tests", () => {
  it("gives every owner its own database, never a developer's database 0", () => {
    const databases = Object.values(REDIS_DATABASES);
    expect(new Set(databases).size).toBe(databases.length);
    for (const database of databases) expect(database).toBeGreaterThanOrEqual(1);
    for (const database of databases) expect(database).toBeLessThanOrEqual(15);
  });

  it("takes the server from TEST_REDIS_URL and the database from the table", () => {
    const saved = process.env.TEST_REDIS_URL;
    process.env.TEST_REDIS_URL = "redis://:secret@redis.internal:6380/9";
    try {
      expect(testRedisUrl("sessionService")).toBe("redis://:secret@redis.internal:6380/2");
    } finally {
      if (saved === undefined) delete process.env.TEST_REDIS_URL;
      else process.env.TEST_REDIS_URL = saved;
    }
    expect(() => redisDatabaseUrl(0)).toThrow(/0 is a developer's/);
  });

  it("leaves no table row to two files, and no hard-coded database outside the table or shared", async () => {
    const rows = await usesIn(["tests", "e2e", "bench"], /testRedisUrl\("(\w+)"\)/g);
    expect(rows.get("sessionService"), "the scan sees the suites").toEqual(new Set(["tests/sessions/session-service.test.ts"]));
    for (const [row, files] of rows) expect([...files], `testRedisUrl("${row}")`).toHaveLength(1);

    const hardCoded = await usesIn(["tests", "e2e", "bench"], /redis:\/\/[^\s"'`/]+\/(\d+)/g);
    for (const [database, files] of hardCoded) {
      expect(HARD_CODED_REDIS_DATABASES, `Redis database ${database}, written out in ${[...files].join(", ")}`).toContain(Number(database));
      expect([...files], `Redis database ${database}`).toHaveLength(1);
    }
  });
});
