import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";

import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, it } from "vitest";

import { PrismaClient } from "@/generated/prisma/client";
import { startEmbeddedPostgres } from "../scripts/lib/embedded-postgres";
import { localStateDir, readOrCreateLocalSecret, repoRoot } from "../scripts/lib/local-state";
import { applyMigrations } from "../scripts/lib/prisma-cli";
import { freePort, startOnFreePort } from "./support/free-port";

describe("the development AUTH_SECRET", () => {
  it("is generated once, kept with owner-only permissions, and reused", () => {
    const directory = mkdtempSync(path.join(tmpdir(), "gatehouse-state-"));
    const first = readOrCreateLocalSecret("auth-secret", directory);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(directory, "auth-secret")).mode & 0o777).toBe(0o600);
    expect(readOrCreateLocalSecret("auth-secret", directory)).toBe(first);
  });

  it("replaces a file too short to be a secret", () => {
    const directory = mkdtempSync(path.join(tmpdir(), "gatehouse-state-"));
    writeFileSync(path.join(directory, "auth-secret"), "short\n");
    expect(readOrCreateLocalSecret("auth-secret", directory)).not.toBe("short");
    expect(readFileSync(path.join(directory, "auth-secret"), "utf8").trim().length).toBeGreaterThanOrEqual(32);
  });

  it("lives in a folder git ignores", () => {
    const ignored = execFileSync("git", ["check-ignore", path.join(localStateDir, "auth-secret"), path.join(localStateDir, "pglite")], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(ignored.trim().split("\n")).toHaveLength(2);
  });
});

describe("the embedded PostgreSQL (PGlite over TCP)", () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "gatehouse-pglite-")), "pglite");
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it("takes the migrations and serves the app's Prisma client, and keeps its data across restarts", async () => {
    const first = await startOnFreePort((port) => startEmbeddedPostgres({ dataDir, port }));
    // The restart takes the same port, as `npm run dev` does.
    const port = Number(new URL(first.url).port);
    stops.push(first.stop);
    await applyMigrations(first.url);
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: first.url }) });
    const user = await db.user.create({ data: { name: "Embedded Ada", email: "embedded-ada@example.com" } });
    await db.$disconnect();
    await first.stop();
    stops.pop();

    const second = await startEmbeddedPostgres({ dataDir, port });
    stops.push(second.stop);
    const again = new PrismaClient({ adapter: new PrismaPg({ connectionString: second.url }) });
    expect(await again.user.findUnique({ where: { id: user.id } })).toMatchObject({ email: "embedded-ada@example.com" });
    await again.$disconnect();
  }, 120_000);

  it("refuses a second process on the same data directory with a clear error", async () => {
    const running = await startOnFreePort((port) => startEmbeddedPostgres({ dataDir: `${dataDir}-lock`, port }));
    stops.push(running.stop);
    await expect(startEmbeddedPostgres({ dataDir: `${dataDir}-lock`, port: await freePort() })).rejects.toMatchObject({
      code: "EMBEDDED_DB_IN_USE",
    });
  }, 60_000);
});
