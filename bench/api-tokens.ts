/**
 * `npm run bench:tokens`: what a Bearer-token API call and a refresh cost.
 *
 * Starts the production build twice on a fresh PostgreSQL database, once with Redis holding the
 * revocation list's copy and once without, and in each measures, interleaved round by round:
 *   - baseline: GET /api/v1/ping, unauthenticated (autocannon);
 *   - Bearer:   GET /api/v1/me with `Authorization: Bearer <access token>` (autocannon): signature
 *               (or the verified-token cache), then the denylist and the per-user epoch, every request;
 *   - refresh:  POST /oauth/token with grant_type=refresh_token: each of 10 workers rotates its own
 *               family, always presenting the refresh token the previous answer gave it.
 * It prints requests/s and p99 latency, and each route's ratio to the baseline (target for Bearer with
 * Redis: >= 0.9; none for refresh). Only ratios measured in the same run mean anything.
 *
 * Tokens are minted in this process with the token library, on the same database and with the same
 * key-encryption key and issuer as the server, so the server verifies them as its own.
 *
 * Needs: a production build first (the npm script does it), PostgreSQL (TEST_DATABASE_URL admin URL) and
 * Redis (BENCH_REDIS_URL, else its own database on the test Redis, one no test uses: see
 * tests/support/redis.ts). Load goes to 127.0.0.1 only; every loop is bounded.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "../generated/prisma/client";
import { createRevocationList } from "../server/tokens/revocation-list";
import { maxTokenLifetimeMs } from "../server/tokens/key-schedule";
import { createSigningKeyStore } from "../server/tokens/key-store";
import { apiAudience, DEFAULT_TOKEN_TIMINGS } from "../server/tokens/token-config";
import { createTokenService } from "../server/tokens/token-service";
import { testRedisUrl } from "../tests/support/redis";
import { appEnvironment, appOrigin, assertNoFailures, BENCH_CONNECTIONS, createBenchDatabase, measure, startApp, summarise, type Comparison, type Sample } from "./support";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.BENCH_REDIS_URL ?? testRedisUrl("benchApiTokens");
const port = Number(process.env.BENCH_PORT ?? 3200);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** One family per worker, each worker one request at a time: a chain of rotations per worker. */
const refreshWorkers = BENCH_CONNECTIONS;
/** A bound on each worker's loop, whatever the clock does. */
const MAX_REFRESHES_PER_WORKER = 50_000;
const CLIENT_ID = "gatehouse-personal";

interface Minted {
  accessToken: string;
  refreshTokens: string[];
}

/** Mints one access token for the Bearer route and one family per refresh worker, as the server would. */
async function mintTokens(databaseUrl: string, issuer: string, encryptionKey: Uint8Array): Promise<Minted> {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  try {
    const config = { ...DEFAULT_TOKEN_TIMINGS, issuer, audience: apiAudience(issuer) };
    const lifetimeMs = maxTokenLifetimeMs(config.accessTokenTtlSeconds);
    const keys = createSigningKeyStore({ db, encryptionKey, maxTokenLifetimeMs: lifetimeMs });
    const revocations = createRevocationList({ db, redis: null, maxTokenLifetimeMs: lifetimeMs });
    const tokens = createTokenService({ db, keys, revocations, config });
    const user = (await db.user.findFirst({ where: { email: "bench@example.com" } })) ?? (await db.user.create({ data: { name: "Bench User", email: "bench@example.com" } }));
    // Personal tokens are made from a browser session, which must be live while they are written.
    const session = await db.session.create({ data: { tokenHash: `bench-${Date.now()}`, userId: user.id, expiresAt: new Date(Date.now() + 24 * 60 * 60 * 1000) } });
    const issue = (name: string) => tokens.issueFamily({ kind: "personal", clientId: CLIENT_ID, userId: user.id, scopes: ["profile", "notes:read"], name, issuingSessionId: session.id });
    const { response } = await issue("bench: Bearer route");
    const refreshTokens: string[] = [];
    for (let worker = 0; worker < refreshWorkers; worker += 1) refreshTokens.push((await issue(`bench: refresh worker ${worker}`)).response.refresh_token);
    return { accessToken: response.access_token, refreshTokens };
  } finally {
    await db.$disconnect();
  }
}

/** One refresh grant; the successor refresh token, or the failure as text. */
async function refreshOnce(base: string, refreshToken: string): Promise<{ ok: true; refreshToken: string } | { ok: false; failure: string }> {
  const response = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: CLIENT_ID }),
  });
  const body = (await response.json().catch(() => null)) as { refresh_token?: unknown } | null;
  if (response.status === 200 && typeof body?.refresh_token === "string") return { ok: true, refreshToken: body.refresh_token };
  return { ok: false, failure: `${response.status} ${JSON.stringify(body).slice(0, 200)}` };
}

/**
 * `refreshWorkers` chains of rotations for `duration` seconds. Latency is measured to the end of the body
 * (as autocannon does). A worker whose grant fails stops: its chain may be broken.
 */
async function measureRefresh(base: string, chains: string[], duration: number): Promise<Sample & { rotations: number; failures: string[] }> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const started = performance.now();
  const deadline = started + duration * 1000;
  await Promise.all(
    chains.map(async (_, worker) => {
      for (let count = 0; count < MAX_REFRESHES_PER_WORKER && performance.now() < deadline; count += 1) {
        const sent = performance.now();
        const result = await refreshOnce(base, chains[worker]!);
        if (!result.ok) {
          failures.push(result.failure);
          return;
        }
        latencies.push(performance.now() - sent);
        chains[worker] = result.refreshToken;
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p99 = latencies.length > 0 ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! : NaN;
  return { requestsPerSecond: latencies.length / elapsedSeconds, p99: Math.round(p99), non2xx: failures.length, rotations: latencies.length, failures };
}

interface ConfigurationResult {
  label: string;
  bearer: Comparison;
  refresh: Comparison;
  rotations: number;
  refreshFailures: number;
}

async function benchConfiguration(label: string, databaseUrl: string, withRedis: boolean, encryptionKey: Uint8Array): Promise<ConfigurationResult> {
  // The server's OAUTH_ISSUER (appEnvironment): tokens with another `iss` would be refused.
  const issuer = appOrigin(port);
  const minted = await mintTokens(databaseUrl, issuer, encryptionKey);
  const env = appEnvironment({
    databaseUrl,
    redisUrl: withRedis ? redisUrl : null,
    port,
    extra: { TOKEN_KEY_ENCRYPTION_KEY: Buffer.from(encryptionKey).toString("base64url") },
  });
  // Keys from the environment would replace the table the tokens were signed from.
  delete env.TOKEN_SIGNING_KEYS;
  const app = await startApp(label, port, env);
  try {
    const ping = { url: `${app.base}/api/v1/ping`, headers: {} };
    const me = { url: `${app.base}/api/v1/me`, headers: { authorization: `Bearer ${minted.accessToken}` } };
    const check = await fetch(me.url, { headers: me.headers });
    if (check.status !== 200) throw new Error(`/api/v1/me answered ${check.status} to the benchmark's Bearer token: ${(await check.text()).slice(0, 300)}`);
    const chains = [...minted.refreshTokens];
    for (const [worker, refreshToken] of chains.entries()) {
      const first = await refreshOnce(app.base, refreshToken);
      if (!first.ok) throw new Error(`the refresh grant failed for the benchmark's family ${worker}: ${first.failure}`);
      chains[worker] = first.refreshToken;
    }

    // Warm-up, then rounds with the three interleaved, so that all see the same machine noise.
    await measure(ping.url, ping.headers, 3);
    await measure(me.url, me.headers, 3);
    const warmUp = await measureRefresh(app.base, chains, 3);
    const baseline: Sample[] = [];
    const bearer: Sample[] = [];
    const refresh: Array<Awaited<ReturnType<typeof measureRefresh>>> = [];
    for (let round = 0; round < rounds; round += 1) {
      baseline.push(await measure(ping.url, ping.headers, seconds));
      bearer.push(await measure(me.url, me.headers, seconds));
      refresh.push(await measureRefresh(app.base, chains, seconds));
    }
    const failures = [warmUp, ...refresh].flatMap((sample) => sample.failures);
    if (failures.length > 0) throw new Error(`${failures.length} refresh grants failed during the ${label} run, e.g. ${failures[0]}`);
    assertNoFailures(label, [...baseline, ...bearer]);
    return {
      label,
      bearer: summarise(baseline, bearer),
      refresh: summarise(baseline, refresh),
      rotations: refresh.reduce((sum, sample) => sum + sample.rotations, 0),
      refreshFailures: failures.length,
    };
  } finally {
    await app.stop();
  }
}

const ratioCell = (comparison: Comparison) => `${comparison.ratio.toFixed(2)}× (${comparison.ratios.map((ratio) => ratio.toFixed(2)).join(", ")})`;
const rpsCell = (rps: number, [low, high]: [number, number]) => `${rps.toFixed(0)} (${low.toFixed(0)}–${high.toFixed(0)})`;

async function main() {
  const database = await createBenchDatabase(adminUrl);
  try {
    // One key-encryption key for the run: both servers (and this process) open the same signing key.
    const encryptionKey = new Uint8Array(randomBytes(32));
    const results: ConfigurationResult[] = [];
    for (const [label, withRedis] of [["with Redis", true], ["PostgreSQL only", false]] as const) {
      console.log(`\n[bench] ${label}: ${rounds} rounds of ${seconds} s per route, ${BENCH_CONNECTIONS} connections, ${refreshWorkers} refresh workers`);
      results.push(await benchConfiguration(label, database.url, withRedis, encryptionKey));
    }

    console.log("\nBearer token (GET /api/v1/me) against no authentication (GET /api/v1/ping), same run; req/s as median (min–max of rounds):\n");
    console.log("| configuration | baseline req/s | Bearer req/s | ratio (median of rounds) | p99 baseline | p99 Bearer |");
    console.log("|---|---|---|---|---|---|");
    for (const { label, bearer } of results) {
      console.log(
        `| ${label} | ${rpsCell(bearer.baselineRps, bearer.baselineRpsRange)} | ${rpsCell(bearer.protectedRps, bearer.protectedRpsRange)} | ${ratioCell(bearer)} | ${bearer.baselineP99} ms | ${bearer.protectedP99} ms |`,
      );
    }
    console.log("\nTarget: Bearer >= 0.90× of the unauthenticated route");

    console.log(`\nRefresh grant (POST /oauth/token, grant_type=refresh_token), ${refreshWorkers} workers each rotating its own family, same run:\n`);
    console.log("| configuration | refresh req/s | ratio to baseline (median of rounds) | p99 refresh | rotations | failed |");
    console.log("|---|---|---|---|---|---|");
    for (const { label, refresh, rotations, refreshFailures } of results) {
      console.log(`| ${label} | ${rpsCell(refresh.protectedRps, refresh.protectedRpsRange)} | ${ratioCell(refresh)} | ${refresh.protectedP99} ms | ${rotations} | ${refreshFailures} |`);
    }
    console.log("\nNo target for refresh: each grant is a transaction (rotation, reuse detection) plus an ES256 signature.");
  } finally {
    await database.drop();
  }
}

await main();
