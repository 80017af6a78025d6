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
 * Redis (BENCH_REDIS_URL, else its own database on the test Redis, one no test uses: see
 * tests/support/redis.ts). Load goes to 127.0.0.1 only; every loop is bounded.
 */
import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "../generated/prisma/client";
import { noSessionCache } from "../server/sessions/session-cache";
import { DEFAULT_LIFETIMES } from "../server/sessions/session-policy";
import { createSessionService } from "../server/sessions/session-service";
import { testRedisUrl } from "../tests/support/redis";
import { appEnvironment, BENCH_CONNECTIONS, compareRoutes, createBenchDatabase, startApp } from "./support";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.BENCH_REDIS_URL ?? testRedisUrl("benchSessionCheck");
const port = Number(process.env.BENCH_PORT ?? 3200);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

async function benchConfiguration(label: string, databaseUrl: string, withRedis: boolean, cookie: string) {
  const app = await startApp(label, port, appEnvironment({ databaseUrl, redisUrl: withRedis ? redisUrl : null, port }));
  try {
    const me = await fetch(`${app.base}/api/v1/me`, { headers: { cookie } });
    if (me.status !== 200) throw new Error(`/api/v1/me answered ${me.status}: the benchmark session does not work`);
    const comparison = await compareRoutes(label, { url: `${app.base}/api/v1/ping`, headers: {} }, { url: `${app.base}/api/v1/me`, headers: { cookie } }, { rounds, seconds });
    return { label, ...comparison };
  } finally {
    await app.stop();
  }
}

async function main() {
  const database = await createBenchDatabase(adminUrl);
  try {
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }) });
    const user = await db.user.create({ data: { name: "Bench User", email: "bench@example.com" } });
    const sessions = createSessionService({ db, cache: noSessionCache, lifetimes: DEFAULT_LIFETIMES });
    const { token } = await sessions.create(user.id, { userAgent: "autocannon", browser: null, os: null, deviceType: null, ip: null });
    await db.$disconnect();
    const cookie = `authjs.session-token=${token}`;

    const results = [];
    for (const [label, withRedis] of [["with Redis", true], ["PostgreSQL only", false]] as const) {
      console.log(`\n[bench] ${label}: ${rounds} rounds of ${seconds} s per route, ${BENCH_CONNECTIONS} connections`);
      results.push(await benchConfiguration(label, database.url, withRedis, cookie));
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
    await database.drop();
  }
}

await main();
