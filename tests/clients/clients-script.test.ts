import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { Redis } from "ioredis";
import { beforeAll, describe, expect, it } from "vitest";

import { authenticateClient, clientsIn, type ClientCredentials } from "@/server/tokens/clients";
import { hashOpaqueToken } from "@/server/tokens/opaque-token";
import { connectTestRedis, testRedisUrl } from "../support/redis";
import { useTestDatabase } from "../support/test-database";

/* `npm run client:*` (scripts/clients.ts), run as a person would, against a real PostgreSQL. */

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
const execFileAsync = promisify(execFile);

describe("scripts/clients.ts", () => {
  const database = useTestDatabase("clients_script");

  const redisUrl = testRedisUrl("clientsScript");
  beforeAll(async () => {
    const redis = await connectTestRedis(redisUrl);
    await redis.flushdb();
    redis.disconnect();
  });

  /** The command's stdout, stderr and exit code; only what it needs of the environment (Redis too, when asked). */
  async function run(args: string[], { redis = false, databaseUrl = database.url } = {}) {
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test" as const, DATABASE_URL: databaseUrl, REDIS_URL: redis ? redisUrl : "" };
    try {
      const { stdout, stderr } = await execFileAsync(tsx, [path.join(repoRoot, "scripts", "clients.ts"), ...args], { cwd: repoRoot, env, timeout: 60_000 });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const failed = error as { stdout: string; stderr: string; code: number };
      return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
    }
  }

  const basic = (clientId: string, clientSecret: string): ClientCredentials => ({ clientId, clientSecret, method: "client_secret_basic" });
  const authenticates = (credentials: ClientCredentials) =>
    authenticateClient(clientsIn(database.sql), credentials).then(
      () => true,
      () => false,
    );

  it("create prints exactly one line of JSON with the id and the secret, stored only as its SHA-256", async () => {
    const { stdout, code } = await run(["create", "--name", "Billing service", "--grant", "client_credentials", "--scope", "notes:read notes:write", "--introspect"]);
    expect(code).toBe(0);
    expect(stdout.endsWith("\n")).toBe(true);
    expect(stdout.trimEnd().split("\n")).toHaveLength(1);
    const answer = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(answer).sort()).toEqual(["client_id", "client_secret"]);
    expect(answer.client_id).toMatch(/^billing-service-[0-9a-f]{12}$/);
    expect(answer.client_secret).toMatch(/^ghs_[A-Za-z0-9_-]{43}$/);
    const row = await database.db.client.findUniqueOrThrow({ where: { id: answer.client_id } });
    expect(row).toMatchObject({ type: "confidential", grantTypes: ["client_credentials"], scopes: ["notes:read", "notes:write"], mayIntrospect: true, firstParty: false });
    expect(row.secretHash).toBe(hashOpaqueToken(answer.client_secret!));
    expect(JSON.stringify(row)).not.toContain(answer.client_secret);
    expect(await authenticates(basic(answer.client_id!, answer.client_secret!))).toBe(true);
    const audit = await database.db.auditEvent.findFirst({ where: { event: "client_created" } });
    expect(audit?.details).toMatchObject({ clientId: answer.client_id, via: "cli" });
  });

  it("a public client gets no secret; repeated --grant and --redirect-uri are all kept", async () => {
    const { stdout, code } = await run([
      "create", "--name", "Desk app", "--type", "public", "--grant", "authorization_code", "--grant", "refresh_token",
      "--redirect-uri", "http://127.0.0.1:7777/callback", "--redirect-uri", "com.example.desk:/callback", "--scope", "profile",
    ]);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(answer)).toEqual(["client_id"]);
    const row = await database.db.client.findUniqueOrThrow({ where: { id: answer.client_id } });
    expect(row).toMatchObject({ type: "public", secretHash: null, grantTypes: ["authorization_code", "refresh_token"], redirectUris: ["http://127.0.0.1:7777/callback", "com.example.desk:/callback"] });
  });

  it("bad arguments: exit code 2, one line saying why, nothing on stdout, nothing written", async () => {
    const before = await database.db.client.count();
    const cases: Array<[string[], RegExp]> = [
      [["create", "--grant", "client_credentials"], /--name/],
      [["create", "--name", "x"], /--grant/],
      [["create", "--name", "x", "--grant", "password"], /--grant .*must be one of/],
      [["create", "--name", "x", "--grant", "client_credentials", "--type", "public"], /confidential/],
      [["create", "--name", "x", "--grant", "client_credentials", "--scope", "admin"], /--scope/],
      [["create", "--name", "x", "--grant", "authorization_code"], /redirect URI/],
      [["create", "--name", "x", "--grant", "authorization_code", "--redirect-uri", "http://evil.example/cb"], /https/],
      [["create", "--name", "x", "--grant", "authorization_code", "--redirect-uri", "https://app.example/cb#frag"], /fragment/],
      [["create", "--name", "x", "--grant", "client_credentials", "--colour", "red"], /colour/],
      [["rotate-secret"], /CLIENT_ID/],
      [["rotate-secret", "some-id", "--overlap", "forever"], /--overlap/],
      [["rotate-secret", "some-id", "--overlap", "99999d"], /--overlap must be at most 30 days/],
      [["create", "--name", "x", "--grant", "authorization_code", "--redirect-uri", `javascript:${"a".repeat(3000)}`], /--redirect-uri/],
      [["launch"], /unknown command/],
    ];
    for (const [args, reason] of cases) {
      const { stdout, stderr, code } = await run(args);
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: "" });
      expect(stderr.trimEnd().split("\n").at(-1)).toMatch(reason);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(await database.db.client.count()).toBe(before);
  });

  it("a database it cannot reach: exit code 1 and one line that says so", async () => {
    const { stdout, stderr, code } = await run(["list"], { databaseUrl: "postgresql://postgres@127.0.0.1:1/nowhere" });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const lines = stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(/^client:list: \S.{10,}/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("list shows every client as a table, or as JSON without any secret's hash", async () => {
    const created = JSON.parse((await run(["create", "--name", "Listed", "--grant", "client_credentials"])).stdout) as { client_id: string };
    const table = await run(["list"]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^CLIENT_ID\s+NAME\s+TYPE\s+STATUS/);
    expect(table.stdout).toContain(created.client_id);
    expect(table.stdout).toContain("gatehouse-personal"); // the built-in clients too
    const json = JSON.parse((await run(["list", "--json"])).stdout) as Array<Record<string, unknown>>;
    const listed = json.find((client) => client.id === created.client_id);
    expect(listed).toMatchObject({ name: "Listed", type: "confidential", grantTypes: ["client_credentials"] });
    expect(json.every((client) => !("secretHash" in client) && !("previousSecretHash" in client))).toBe(true);
  });

  it("rotate-secret: the old secret keeps working for the overlap, or stops at once with --overlap 0", async () => {
    const first = JSON.parse((await run(["create", "--name", "Rotating", "--grant", "client_credentials"])).stdout) as { client_id: string; client_secret: string };
    const rotated = await run(["rotate-secret", first.client_id, "--overlap", "2h"]);
    expect(rotated.code).toBe(0);
    const second = JSON.parse(rotated.stdout) as { client_id: string; client_secret: string; previous_secret_expires_at: string };
    expect(second.client_secret).not.toBe(first.client_secret);
    const overlapEnds = new Date(second.previous_secret_expires_at).getTime();
    expect(Math.abs(overlapEnds - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);
    expect(await authenticates(basic(first.client_id, first.client_secret))).toBe(true);
    expect(await authenticates(basic(first.client_id, second.client_secret))).toBe(true);
    // Past the overlap, the old one is refused.
    expect(await authenticateClient(clientsIn(database.sql), basic(first.client_id, first.client_secret), new Date(overlapEnds + 1)).catch(() => "refused")).toBe("refused");

    const third = JSON.parse((await run(["rotate-secret", first.client_id, "--overlap", "0"])).stdout) as { client_secret: string; previous_secret_expires_at: null };
    expect(third.previous_secret_expires_at).toBeNull();
    expect(await authenticates(basic(first.client_id, second.client_secret))).toBe(false);
    expect(await authenticates(basic(first.client_id, first.client_secret))).toBe(false);
    expect(await authenticates(basic(first.client_id, third.client_secret))).toBe(true);
  });

  it("revoke: the client authenticates no more, its families are revoked and their live access tokens denied in Redis too; twice is an error", async () => {
    const created = JSON.parse((await run(["create", "--name", "Doomed", "--grant", "client_credentials"])).stdout) as { client_id: string; client_secret: string };
    const user = await database.db.user.create({ data: { name: "Family owner" } });
    const family = await database.db.tokenFamily.create({
      data: {
        kind: "authorization_code",
        clientId: created.client_id,
        userId: user.id,
        scopes: [],
        expiresAt: new Date(Date.now() + 3600_000),
        tokens: { create: { tokenHash: "h-doomed", expiresAt: new Date(Date.now() + 3600_000), accessTokenJti: "doomed-jti", accessTokenExpiresAt: new Date(Date.now() + 600_000) } },
      },
    });
    const revoked = await run(["revoke", created.client_id], { redis: true });
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).not.toMatch(/Redis .* failed/);
    const redis = new Redis(redisUrl);
    expect(await redis.exists("gatehouse:revoked-jti:doomed-jti")).toBe(1);
    redis.disconnect();
    expect(await database.db.revokedAccessToken.count({ where: { jti: "doomed-jti" } })).toBe(1);
    expect(JSON.parse(revoked.stdout)).toEqual({ client_id: created.client_id, revoked: true });
    expect(await authenticates(basic(created.client_id, created.client_secret))).toBe(false);
    expect(await database.db.tokenFamily.findUniqueOrThrow({ where: { id: family.id } })).toMatchObject({ revokedReason: "client_revoked" });
    const again = await run(["revoke", created.client_id]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr.trimEnd().split("\n").at(-1)).toMatch(/no active client/);
  });
});
