/**
 * `npm run bench`: what Gatehouse costs on top of Next.js itself.
 *
 * Starts two production builds: the stock Next.js app of bench/baseline-app (one route, nothing of ours
 * in front of it: the baseline) and Gatehouse, on a fresh PostgreSQL database, once with Redis (the
 * production configuration) and once on PostgreSQL alone. In each, every route below is measured once a
 * round, each sample after a second of unmeasured load, and **the baseline is measured right before and
 * right after every route's sample**: each route is reported as a ratio to the mean of the two baseline
 * samples around it, which cancels the machine's drift over the ~20 s around the sample (req/s here move
 * by ±25% from one minute to the next). Comparisons of two routes (ours against our ping, the grant
 * against the stock POST) divide their two adjusted ratios. Each round takes the routes in another order
 * (see below):
 *
 *   - GET /api/ping of the stock app (the baseline) and our own GET /api/v1/ping; the stock app's
 *     GET /api/pages-ping, the same answer from a Pages Router API route, the kind of route our API is
 *     (server/http/pages-api-route.ts), reported beside the App Router baseline;
 *   - GET /api/v1/me with a Bearer token, and with the session cookie;
 *   - GET /account (a protected page) beside the public page closest to it in size;
 *   - POST /oauth/token: the refresh grant (each worker rotating its own family), the
 *     authorization-code exchange (codes made just before each round: they live a minute) and the
 *     client-credentials grant (one service, HTTP Basic), beside the stock app's POST /api/form (the
 *     same form body to a bare route: what Next.js alone charges for a POST).
 *
 * Beside req/s, each sample records the CPU a request cost (bench/cpu.ts): the server's, and the
 * machine's less the load generator's (so PostgreSQL and Redis count). Reported as the same kind of
 * ratio, it is the steadier figure on a shared machine.
 *
 * A run with any non-2xx answer fails: a benchmark of error answers measures nothing. Only ratios
 * measured in the same run mean anything; absolute figures vary with the machine.
 *
 * Needs: both builds (the npm script makes them), PostgreSQL (TEST_DATABASE_URL admin URL) and Redis
 * (BENCH_REDIS_URL, else its own database on the test Redis: see tests/support/redis.ts). Load goes to
 * 127.0.0.1 only; every loop is bounded. Settings: BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_CODES (1200 codes made per second of an exchange run),
 * BENCH_ONLY ("redis" or "postgres" for one configuration).
 */
import { randomBytes } from "node:crypto";

import { Redis } from "ioredis";

import { sessionCacheKey } from "../server/sessions/session-cache";
import { hashSessionToken } from "../server/sessions/session-token";
import { testRedisUrl } from "../tests/support/redis";
import { createBenchFixtures } from "./fixtures";
import { measureClientCredentials, measureCodeExchange, measureFormPost, measureRefresh } from "./grant-load";
import { appEnvironment, appOrigin, BENCH_CONNECTIONS, createBenchDatabase, measure, measureRotating, median, startApp, startBaselineApp, type Sample } from "./support";

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.BENCH_REDIS_URL ?? testRedisUrl("bench");
const port = Number(process.env.BENCH_PORT ?? 3200);
const baselinePort = port + 1;
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
/** Codes made per second of an exchange run (they are used up: about three times what a round exchanges here). */
const codesPerSecond = Number(process.env.BENCH_CODES ?? 1200);
/** Refresh-token families per run: one per connection in flight, and as many again to spare. */
const REFRESH_CHAINS = BENCH_CONNECTIONS * 3;
/** The Bearer pool: 200 people with 5 tokens each, so the caches (verified token, profile) mostly miss at first. */
const POOL_PEOPLE = 200;
const POOL_TOKENS_PER_PERSON = 5;
const only = process.env.BENCH_ONLY;
const PAGES_ROUTE_BASELINE = "Next.js alone: stock app, GET /api/pages-ping (a Pages Router API route)";

interface Load {
  name: string;
  /** Bytes of one answer, for pages. */
  size?: number;
  run(seconds: number): Promise<Sample>;
}

interface LoadResult {
  name: string;
  size?: number;
  /** A route's: one per round. The baseline's: every sample, in the order taken. */
  samples: Sample[];
  /** The baseline's samples right before and right after each of `samples` (none for the baseline itself). */
  around: Array<[Sample, Sample]>;
}

async function get(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers, redirect: "manual" });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 300)}`);
  return body;
}

/**
 * Whether the server under test really uses Redis or really does not (an env file could give it a
 * REDIS_URL): a session lookup leaves its cache entry in the benchmark's Redis database only with Redis.
 */
async function assertRedisMode(withRedis: boolean, sessionToken: string) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const cached = (await redis.exists(sessionCacheKey(hashSessionToken(sessionToken)))) === 1;
    if (cached !== withRedis) throw new Error(`the server ${cached ? "uses" : "does not use"} Redis, but this run is "${withRedis ? "with Redis" : "PostgreSQL only"}"`);
  } finally {
    redis.disconnect();
  }
}

async function benchConfiguration(label: string, databaseUrl: string, withRedis: boolean, encryptionKey: Uint8Array, baselineBase: string): Promise<LoadResult[]> {
  // The server's OAUTH_ISSUER (appEnvironment): tokens with another `iss` would be refused.
  const fixtures = await createBenchFixtures({ databaseUrl, issuer: appOrigin(port), encryptionKey });
  const pool = await fixtures.accessTokenPool(POOL_PEOPLE, POOL_TOKENS_PER_PERSON);
  let next = 0;
  const env = appEnvironment({ databaseUrl, redisUrl: withRedis ? redisUrl : null, port, extra: { TOKEN_KEY_ENCRYPTION_KEY: Buffer.from(encryptionKey).toString("base64url") } });
  // Keys from the environment would replace the table the fixtures' tokens were signed from.
  delete env.TOKEN_SIGNING_KEYS;
  const app = await startApp(label, port, env);
  try {
    const bearer = { authorization: `Bearer ${fixtures.accessToken}` };
    const cookie = { cookie: fixtures.sessionCookie };
    await get(`${app.base}/api/v1/me`, bearer);
    await get(`${app.base}/api/v1/me`, cookie);
    await assertRedisMode(withRedis, fixtures.sessionToken);
    const accountSize = Buffer.byteLength(await get(`${app.base}/account`, cookie));
    // The public page nearest /account in size, so that the difference is the session, not the markup.
    const candidates = await Promise.all(["/", "/signin"].map(async (path) => ({ path, size: Buffer.byteLength(await get(`${app.base}${path}`, {})) })));
    const publicPage = candidates.sort((a, b) => Math.abs(a.size - accountSize) - Math.abs(b.size - accountSize))[0]!;

    const baselineLoad: Load = { name: "Next.js alone: stock app, GET /api/ping", run: (s) => measure(`${baselineBase}/api/ping`, {}, s) };
    const loads: Load[] = [
      { name: "GET /api/v1/ping (ours, unauthenticated)", run: (s) => measure(`${app.base}/api/v1/ping`, {}, s) },
      // Our API is served as Pages Router API routes (server/http/pages-api-route.ts): what Next.js alone
      // costs for that kind of route, so that what we add above the pipeline we use shows too.
      { name: PAGES_ROUTE_BASELINE, run: (s) => measure(`${baselineBase}/api/pages-ping`, {}, s) },
      { name: "GET /api/v1/me, Bearer token", run: (s) => measure(`${app.base}/api/v1/me`, bearer, s) },
      {
        name: `GET /api/v1/me, Bearer, ${pool.length} tokens of ${POOL_PEOPLE} people in turn`,
        run: (s) => measureRotating(`${app.base}/api/v1/me`, () => ({ authorization: `Bearer ${pool[(next += 1) % pool.length]}` }), s),
      },
      { name: "GET /api/v1/me, session cookie", run: (s) => measure(`${app.base}/api/v1/me`, cookie, s) },
      { name: `GET ${publicPage.path} (public page)`, size: publicPage.size, run: (s) => measure(`${app.base}${publicPage.path}`, {}, s) },
      { name: "GET /account, session cookie (protected page)", size: accountSize, run: (s) => measure(`${app.base}/account`, cookie, s) },
      // Fresh supplies for every run, made before autocannon starts its clock (see grant-load.ts).
      { name: "POST /oauth/token, refresh_token", run: async (s) => measureRefresh(app.base, await fixtures.mintRefreshTokens(REFRESH_CHAINS), s) },
      { name: "POST /oauth/token, authorization_code", run: async (s) => measureCodeExchange(app.base, await fixtures.mintCodes(Math.ceil(s * codesPerSecond)), s) },
      { name: "POST /oauth/token, client_credentials (Basic)", run: (s) => measureClientCredentials(app.base, fixtures.service, s) },
      { name: "Next.js alone: stock app, POST /api/form (a form body)", run: (s) => measureFormPost(`${baselineBase}/api/form`, s) },
    ];

    const baseline: LoadResult = { name: baselineLoad.name, samples: [], around: [] };
    const results: LoadResult[] = loads.map((load) => ({ name: load.name, size: load.size, samples: [], around: [] }));
    const runLoad = async (load: Load, duration: number) => {
      // A second unmeasured first: the route after a switch of server (one sat idle while the other ran)
      // was measured slower than the same route a round later, whichever route it was.
      await load.run(1);
      return load.run(duration);
    };
    for (const load of [baselineLoad, ...loads]) await runLoad(load, 3); // warm-up
    // The baseline runs between every two routes, one round after another: B R1 B R2 ... Rn B R1' B ...
    // A route may leave work behind that slows the next sample (PostgreSQL writing after the grants), so
    // each round takes the routes in another order, one further on and backwards every other round: the
    // baseline sample before a route follows a different route each round. The table's last column
    // shows whether a route slowed the baseline sample after it.
    let before = await runLoad(baselineLoad, seconds);
    baseline.samples.push(before);
    for (let round = 0; round < rounds; round += 1) {
      for (let step = 0; step < loads.length; step += 1) {
        const offset = (round + step) % loads.length;
        const index = round % 2 === 0 ? offset : loads.length - 1 - offset;
        results[index]!.samples[round] = await runLoad(loads[index]!, seconds);
        const after = await runLoad(baselineLoad, seconds);
        baseline.samples.push(after);
        results[index]!.around[round] = [before, after];
        before = after;
      }
    }
    for (const result of [baseline, ...results]) {
      const failures = result.samples.reduce((sum, sample) => sum + sample.non2xx, 0);
      if (failures > 0) throw new Error(`${failures} requests failed on ${result.name} (${label})`);
    }
    return [baseline, ...results];
  } finally {
    await app.stop();
    await fixtures.close();
  }
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

/**
 * Round by round, a route's figure against the mean of the baseline samples right before and after it:
 * for a throughput (req/s) ours over the baseline's; for a cost (CPU per request) the baseline's over
 * ours, so that both read as "× Next.js alone"; for a latency (p99) ours over the baseline's. Rounds
 * where a sample lacks the figure (CPU, off Linux) are left out.
 */
function adjacentRatios(result: LoadResult, figure: (sample: Sample) => number | undefined, kind: "throughput" | "cost" | "latency"): number[] {
  return result.samples.flatMap((sample, round) => {
    const [before, after] = result.around[round]!;
    const ours = figure(sample);
    const first = figure(before);
    const second = figure(after);
    if (ours === undefined || first === undefined || second === undefined) return [];
    const base = (first + second) / 2;
    return [kind === "cost" ? base / ours : ours / base];
  });
}

/** Round by round, route `a` against route `b`, each first taken against its own neighbouring baseline. */
function relativeRatios(a: LoadResult, b: LoadResult): number[] {
  const ofB = adjacentRatios(b, rateOf, "throughput");
  return adjacentRatios(a, rateOf, "throughput").map((ratio, round) => ratio / ofB[round]!);
}

const rateOf = (sample: Sample) => sample.requestsPerSecond;
const p99Of = (sample: Sample) => sample.p99;
const serverUsOf = (sample: Sample) => sample.cpu?.serverUs;
const machineUsOf = (sample: Sample) => sample.cpu?.machineUs;
const medianOr = (values: number[], format: (value: number) => string) => (values.length > 0 ? format(median(values)) : "n/a");
const listed = (ratios: number[]) => `${fixed(median(ratios))}× (${ratios.map((ratio) => fixed(ratio)).join(", ")})`;

function printTable(label: string, results: LoadResult[]) {
  const [baseline, ping] = results;
  const pageBase = results.find((result) => result.name.includes("(public page)"))!;
  console.log(`\n### ${label}: ${rounds} rounds of ${seconds} s per route, ${BENCH_CONNECTIONS} connections (grants: ${BENCH_CONNECTIONS} workers)\n`);
  console.log("Each ratio is to the mean of the baseline samples right before and after the route's, median over the rounds (each round's in brackets).");
  console.log("The last column is the baseline sample after the route over the one before it (below 1: the route left work behind that slowed it).\n");
  console.log("| route | req/s, median (min–max) | × Next.js alone | × our /api/v1/ping | p99 | p99, × Next.js alone's | server CPU per request | × Next.js alone, by server CPU | × by machine CPU | baseline after ÷ before |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const result of results) {
    const rps = result.samples.map(rateOf);
    const size = result.size ? ` (${fixed(result.size / 1024, 1)} KB)` : "";
    const p99 = median(result.samples.map(p99Of));
    const serverUs = result.samples.flatMap((sample) => serverUsOf(sample) ?? []);
    const rates = `${fixed(median(rps), 0)} (${fixed(Math.min(...rps), 0)}–${fixed(Math.max(...rps), 0)})`;
    if (result === baseline) {
      console.log(`| ${result.name} | ${rates} | 1.00× (the baseline: ${rps.length} samples) | | ${p99} ms | | ${medianOr(serverUs, (us) => `${fixed(us, 0)} µs`)} | | | |`);
      continue;
    }
    const drift = result.around.map(([first, second]) => second.requestsPerSecond / first.requestsPerSecond);
    console.log(
      `| ${result.name}${size} | ${rates} | ${listed(adjacentRatios(result, rateOf, "throughput"))} | ${fixed(median(relativeRatios(result, ping!)))}× | ${p99} ms | ${fixed(median(adjacentRatios(result, p99Of, "latency")))}× | ${medianOr(serverUs, (us) => `${fixed(us, 0)} µs`)} | ${medianOr(adjacentRatios(result, serverUsOf, "cost"), (ratio) => `${fixed(ratio)}×`)} | ${medianOr(adjacentRatios(result, machineUsOf, "cost"), (ratio) => `${fixed(ratio)}×`)} | ${fixed(median(drift))} |`,
    );
  }
  const postBase = results.find((result) => result.name.includes("POST /api/form"))!;
  const clientCredentials = results.find((result) => result.name.includes("client_credentials"))!;
  console.log(`\nClient credentials against Next.js alone's POST route: ${listed(relativeRatios(clientCredentials, postBase))}`);
  const pagesRoute = results.find((result) => result.name === PAGES_ROUTE_BASELINE)!;
  console.log(`\nAgainst Next.js alone's Pages Router API route (the kind of route our API and OAuth endpoints are), by req/s:`);
  for (const result of results.filter((r) => /^(GET \/api\/v1\/|POST \/oauth\/token)/.test(r.name))) console.log(`- ${result.name}: ${listed(relativeRatios(result, pagesRoute))}`);
  const account = results.find((result) => result.name.startsWith("GET /account"))!;
  console.log(`\nProtected page against the public page of about its size: ${listed(relativeRatios(account, pageBase))}`);
}

async function main() {
  const database = await createBenchDatabase(adminUrl);
  const baseline = await startBaselineApp(baselinePort);
  try {
    // One key-encryption key for the run: both servers (and this process) open the same signing key.
    const encryptionKey = new Uint8Array(randomBytes(32));
    const configurations = ([["with Redis", true], ["PostgreSQL only", false]] as const).filter(([, withRedis]) => !only || (only === "redis") === withRedis);
    const tables: Array<[string, LoadResult[]]> = [];
    for (const [label, withRedis] of configurations) {
      console.log(`\n[bench] ${label}: ${rounds} rounds of ${seconds} s per route`);
      tables.push([label, await benchConfiguration(label, database.url, withRedis, encryptionKey, baseline.base)]);
    }
    for (const [label, results] of tables) printTable(label, results);
    console.log("\nTargets with Redis, against Next.js alone: Bearer >= 0.90×, session cookie >= 0.85×, p99 of the protected API routes <= 1.5×,");
    console.log("refresh grant >= 0.35×, client credentials >= 0.70×. PostgreSQL only: session cookie >= 0.70×.");
  } finally {
    await baseline.stop();
    await database.drop();
  }
}

await main();
