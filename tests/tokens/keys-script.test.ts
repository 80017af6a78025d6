import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";

import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PrismaClient } from "@/generated/prisma/client";
import { envSchema } from "@/server/env-schema";
import { deriveKeyEncryptionKey } from "@/server/tokens/key-encryption";
import { createSigningKeyStore } from "@/server/tokens/key-store";
import { createTestDatabase } from "../support/test-database";

/* `npm run keys:rotate` and `npm run keys:generate`, run as a person would, against a real PostgreSQL. */

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
const execFileAsync = promisify(execFile);

function runKeys(args: string[], env: Record<string, string>) {
  // Only what the command needs: no DATABASE_URL or key variables leak in from the test's environment.
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test" as const };
  return execFileAsync(tsx, [path.join(repoRoot, "scripts", "keys.ts"), ...args], { cwd: repoRoot, env: { ...base, ...env }, timeout: 60_000 });
}

describe("scripts/keys.ts", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: PrismaClient;
  const authSecret = randomBytes(33).toString("base64url");

  beforeAll(async () => {
    database = await createTestDatabase("keys_script");
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("rotate adds a key sealed under the app's key, signing in 600 s by default", async () => {
    let clock = new Date();
    const app = () =>
      createSigningKeyStore({ db, encryptionKey: deriveKeyEncryptionKey(authSecret), maxTokenLifetimeMs: 16 * 60 * 1000, now: () => clock });
    const { kid: current } = await app().currentSigningKey();

    const startedAt = Date.now();
    const { stdout } = await runKeys(["rotate"], { NODE_ENV: "production", DATABASE_URL: database.url, AUTH_SECRET: authSecret });

    const rows = await db.signingKey.findMany({ orderBy: { activatesAt: "asc" } });
    expect(rows).toHaveLength(2);
    const added = rows[1]!;
    expect(added.kid).not.toBe(current);
    expect(stdout).toContain(added.kid);
    expect(stdout).toContain(current);
    expect(added.activatesAt.getTime()).toBeGreaterThanOrEqual(startedAt + 600_000);
    expect(added.activatesAt.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);

    // The app (same AUTH_SECRET) can open the new key, and signs with it once it activates.
    clock = new Date(added.activatesAt.getTime() - 1);
    expect((await app().currentSigningKey()).kid).toBe(current);
    clock = added.activatesAt;
    expect((await app().currentSigningKey()).kid).toBe(added.kid);
  });

  it("rotate --activate-in sets the delay", async () => {
    const startedAt = Date.now();
    await runKeys(["rotate", "--activate-in", "3600"], { NODE_ENV: "production", DATABASE_URL: database.url, AUTH_SECRET: authSecret });
    const newest = await db.signingKey.findFirstOrThrow({ orderBy: { activatesAt: "desc" } });
    expect(newest.activatesAt.getTime()).toBeGreaterThanOrEqual(startedAt + 3_600_000);
    expect(newest.activatesAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it("rotate refuses when the keys come from TOKEN_SIGNING_KEYS, and says how to rotate them", async () => {
    const { stdout: generated } = await runKeys(["generate"], {});
    const before = await db.signingKey.count();
    const failure = await runKeys(["rotate"], {
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      AUTH_SECRET: authSecret,
      TOKEN_SIGNING_KEYS: generated.trim(),
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain("TOKEN_SIGNING_KEYS");
    expect(await db.signingKey.count()).toBe(before);
  });

  it("generate prints one private JWK that TOKEN_SIGNING_KEYS accepts", async () => {
    const { stdout } = await runKeys(["generate"], {});
    const keys = envSchema.in.shape.TOKEN_SIGNING_KEYS.parse(stdout.trim());
    expect(keys).toHaveLength(1);
    expect(keys![0]).toMatchObject({ kty: "EC", crv: "P-256", d: expect.any(String) });
    expect(stdout.trim().split("\n")).toHaveLength(1);
  });
});
