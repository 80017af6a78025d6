/**
 * `npm run bench`: what a cookie-session check costs.
 *
 * Starts the production build twice on a fresh PostgreSQL database, once with Redis in front of the
 * session lookups and once without, and in each measures, with autocannon, interleaved in the same run:
 *   - baseline:  GET /api/v1/ping, no session at all;
 *   - protected: GET /api/v1/me with a session cookie, resolved on every request.
 * It prints requests/s and p99 latency, and the protected/baseline ratio (target with Redis: >= 0.8).
 * Absolute figures vary with the machine; only ratios measured in the same run mean anything.
 *
 * Needs: `npm run build` first (the npm script does it), PostgreSQL (TEST_DATABASE_URL admin URL) and
 * Redis (TEST_REDIS_URL). Load goes to 127.0.0.1 only; every loop is bounded.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";

import { PrismaPg } from "@prisma/adapter-pg";
import autocannon from "autocannon";
import pg from "pg";

import { PrismaClient } from "../generated/prisma/client";
import { repoRoot } from "../scripts/lib/local-state";
import { startProcess, waitForHttp } from "../scripts/lib/processes";
import { applyMigrations } from "../scripts/lib/prisma-cli";
import { noSessionCache } from "../server/sessions/session-cache";
import { DEFAULT_LIFETIMES } from "../server/sessions/session-policy";
import { createSessionService } from "../server/sessions/session-service";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.TEST_REDIS_URL?.replace(/\/\d*$/, "/3") ?? "redis://127.0.0.1:6379/3";
const port = Number(process.env.BENCH_PORT ?? 3200);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = 10;

interface Sample {
  requestsPerSecond: number;
  p99: number;
  non2xx: number;
}

async function measure(url: string, headers: Record<string, string>, duration: number): Promise<Sample> {
  const result = await autocannon({ url, connections, duration, headers });
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function benchConfiguration(label: string, databaseUrl: string, withRedis: boolean, cookie: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    AUTH_TRUST_HOST: "true",
    AUTH_LOCAL_IDP: "off",
    ...(withRedis ? { REDIS_URL: redisUrl } : {}),
  };
  if (!withRedis) delete env.REDIS_URL;
  const server = startProcess(`next start (${label})`, path.join(repoRoot, "node_modules", ".bin", "next"), ["start", "--port", String(port)], env);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/api/v1/ping`, server, 60_000);
    const me = await fetch(`${base}/api/v1/me`, { headers: { cookie } });
    if (me.status !== 200) throw new Error(`/api/v1/me answered ${me.status}: the benchmark session does not work`);

    // Warm-up, then rounds with the two routes interleaved so both see the same machine noise.
    await measure(`${base}/api/v1/ping`, {}, 3);
    await measure(`${base}/api/v1/me`, { cookie }, 3);
    const baseline: Sample[] = [];
    const protectedRoute: Sample[] = [];
    for (let round = 0; round < rounds; round += 1) {
      baseline.push(await measure(`${base}/api/v1/ping`, {}, seconds));
      protectedRoute.push(await measure(`${base}/api/v1/me`, { cookie }, seconds));
    }
    const failures = [...baseline, ...protectedRoute].reduce((sum, sample) => sum + sample.non2xx, 0);
    if (failures > 0) throw new Error(`${failures} requests failed during the ${label} run`);
    const ratios = baseline.map((sample, index) => protectedRoute[index]!.requestsPerSecond / sample.requestsPerSecond);
    return {
      label,
      baselineRps: median(baseline.map((sample) => sample.requestsPerSecond)),
      protectedRps: median(protectedRoute.map((sample) => sample.requestsPerSecond)),
      baselineP99: median(baseline.map((sample) => sample.p99)),
      protectedP99: median(protectedRoute.map((sample) => sample.p99)),
      ratio: median(ratios),
      ratios,
    };
  } finally {
    await server.stop();
  }
}

async function main() {
  const databaseName = `gatehouse_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${databaseName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  const databaseUrl = url.toString();
  try {
    await applyMigrations(databaseUrl);
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
    const user = await db.user.create({ data: { name: "Bench User", email: "bench@example.com" } });
    const sessions = createSessionService({ db, cache: noSessionCache, lifetimes: DEFAULT_LIFETIMES });
    const { token } = await sessions.create(user.id, { userAgent: "autocannon", browser: null, os: null, deviceType: null, ip: null });
    await db.$disconnect();
    const cookie = `authjs.session-token=${token}`;

    const results = [];
    for (const [label, withRedis] of [["with Redis", true], ["PostgreSQL only", false]] as const) {
      console.log(`\n[bench] ${label}: ${rounds} rounds of ${seconds} s per route, ${connections} connections`);
      results.push(await benchConfiguration(label, databaseUrl, withRedis, cookie));
    }

    console.log("\nCookie-session check (GET /api/v1/me) against no session (GET /api/v1/ping), same run:\n");
    console.log("| configuration | baseline req/s | protected req/s | ratio (median of rounds) | p99 baseline | p99 protected |");
    console.log("|---|---|---|---|---|---|");
    for (const result of results) {
      console.log(
        `| ${result.label} | ${result.baselineRps.toFixed(0)} | ${result.protectedRps.toFixed(0)} | ${result.ratio.toFixed(2)}× (${result.ratios.map((ratio) => ratio.toFixed(2)).join(", ")}) | ${result.baselineP99} ms | ${result.protectedP99} ms |`,
      );
    }
    console.log("\nTarget: >= 0.80× with Redis.");
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  }
}

await main();
