/**
 * `npm run bench:profile -- <route>`: where a route's time goes. Starts the production build with
 * `node --cpu-prof` (Redis on, as in production), loads one route for BENCH_SECONDS (10) after a
 * warm-up, stops the server (which writes the profile) and prints the functions with the most self
 * time. Routes: ping, bearer, cookie, account, refresh, code, client-credentials.
 *
 * The .cpuprofile files stay in bench/profiles/ (ignored by git): open them in Chrome DevTools
 * (Performance → Load profile) or VS Code for the flame chart, or print one again with
 * `npm run bench:profile -- <route> <file.cpuprofile>` (against the build that wrote it).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rm, stat } from "node:fs/promises";
import { SourceMap, type SourceMapPayload } from "node:module";
import path from "node:path";

import { repoRoot } from "../scripts/lib/local-state";
import { testRedisUrl } from "../tests/support/redis";
import { createBenchFixtures } from "./fixtures";
import { measureClientCredentials, measureCodeExchange, measureRefresh } from "./grant-load";
import { appEnvironment, appOrigin, BENCH_CONNECTIONS, createBenchDatabase, measure, startApp, type Sample } from "./support";

const route = process.argv[2] ?? "";
const ROUTES = ["ping", "bearer", "cookie", "account", "refresh", "code", "client-credentials"];
if (!ROUTES.includes(route)) {
  console.error(`usage: npm run bench:profile -- <${ROUTES.join("|")}>`);
  process.exit(2);
}
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.BENCH_REDIS_URL ?? testRedisUrl("benchProfile");
const port = Number(process.env.BENCH_PORT ?? 3200);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const profileDir = path.join(repoRoot, "bench", "profiles", route);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

/** Self time per function (name and place), as shares of all samples, largest first. */
function topSelfTime(profile: { nodes: ProfileNode[] }, count: number): Array<{ share: number; name: string }> {
  const totals = new Map<string, number>();
  let all = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    all += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^file:\/\//, "").replace(`${repoRoot}/`, "")}:${lineNumber + 1}` : "";
    const name = `${functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    totals.set(name, (totals.get(name) ?? 0) + hits);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, hits]) => ({ share: hits / all, name }));
}

/**
 * Where self time is spent, by part. Turbopack bundles our code and most libraries (ioredis, jose, zod,
 * Auth.js) into the same server chunks, so a chunk's samples are mapped back to their sources through
 * the chunk's source map before they are counted.
 */
const PARTS: Array<[string, RegExp]> = [
  ["Prisma", /@prisma\/|generated\/prisma|query_compiler/],
  ["pg", /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//],
  ["ioredis", /node_modules\/(ioredis|@ioredis|redis-parser|denque|cluster-key-slot)\//],
  ["jose", /node_modules\/jose\//],
  ["zod", /node_modules\/zod\//],
  ["Auth.js", /node_modules\/(next-auth|@auth)\//],
  ["Next.js", /node_modules\/next\/|\[turbopack\]|turbopack\/|\[next\]/],
  ["React", /node_modules\/react/],
  ["other packages", /node_modules\//],
  // Source-map paths are relative to the chunk: ../../../server/tokens/errors.ts.
  ["Gatehouse (app/, server/, lib/, proxy.ts)", /^(\.\.\/)+(app|server|lib|components)\/|^(\.\.\/)+(proxy|auth|auth\.config|instrumentation)\.ts$/],
  ["Node.js (http, streams, fetch/undici, crypto)", /^node:/],
];

function sourceOf(url: string, lineNumber: number, columnNumber: number, maps: Map<string, SourceMap | null>): string {
  if (!/\/\.next[^/]*\/server\//.test(url)) return url; // .next, or the NEXT_DIST_DIR of another build
  const file = url.replace(/^file:\/\//, "");
  if (!maps.has(file)) {
    try {
      maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")) as SourceMapPayload));
    } catch {
      maps.set(file, null);
    }
  }
  const map = maps.get(file);
  const entry = map?.findEntry(lineNumber, columnNumber);
  return entry && "originalSource" in entry && entry.originalSource ? entry.originalSource : url;
}

function selfTimeByPart(profile: { nodes: ProfileNode[] }): Array<{ share: number; name: string }> {
  const totals = new Map<string, number>();
  const maps = new Map<string, SourceMap | null>();
  let all = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    all += hits;
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    const source = url ? sourceOf(url, lineNumber, columnNumber, maps) : "";
    const part = source ? (PARTS.find(([, pattern]) => pattern.test(source))?.[0] ?? "other (unmapped)") : `V8 ${functionName || "(native)"}`;
    totals.set(part, (totals.get(part) ?? 0) + hits);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([name, hits]) => ({ share: hits / all, name }));
}

/** Prints a profile's top self time, by function and by part. */
async function report(file: string) {
  const profile = JSON.parse(await readFile(file, "utf8")) as { nodes: ProfileNode[] };
  console.log(`top self time (${path.relative(repoRoot, file)}):\n`);
  for (const { share, name } of topSelfTime(profile, 25)) console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
  console.log("\nself time by part (bundled code mapped back to its sources):\n");
  for (const { share, name } of selfTimeByPart(profile).slice(0, 16)) console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${name}`);
}

async function main() {
  await rm(profileDir, { recursive: true, force: true });
  await mkdir(profileDir, { recursive: true });
  const database = await createBenchDatabase(adminUrl);
  const encryptionKey = new Uint8Array(randomBytes(32));
  const fixtures = await createBenchFixtures({ databaseUrl: database.url, issuer: appOrigin(port), encryptionKey });
  try {
    const env = appEnvironment({ databaseUrl: database.url, redisUrl, port, extra: { TOKEN_KEY_ENCRYPTION_KEY: Buffer.from(encryptionKey).toString("base64url") } });
    delete env.TOKEN_SIGNING_KEYS;
    const app = await startApp(`profile ${route}`, port, env, { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] });
    let sample: Sample;
    try {
      const load = async (duration: number): Promise<Sample> => {
        switch (route) {
          case "ping":
            return measure(`${app.base}/api/v1/ping`, {}, duration);
          case "bearer":
            return measure(`${app.base}/api/v1/me`, { authorization: `Bearer ${fixtures.accessToken}` }, duration);
          case "cookie":
            return measure(`${app.base}/api/v1/me`, { cookie: fixtures.sessionCookie }, duration);
          case "account":
            return measure(`${app.base}/account`, { cookie: fixtures.sessionCookie }, duration);
          case "refresh":
            return measureRefresh(app.base, await fixtures.mintRefreshTokens(BENCH_CONNECTIONS * 3), duration);
          case "client-credentials":
            return measureClientCredentials(app.base, fixtures.service, duration);
          default:
            return measureCodeExchange(app.base, await fixtures.mintCodes(Math.ceil(duration * 1200)), duration);
        }
      };
      await load(3);
      sample = await load(seconds);
    } finally {
      await app.stop();
    }
    if (sample.non2xx > 0) throw new Error(`${sample.non2xx} requests failed: the profile is of error answers`);
    // `next start` runs the server in a child process: the busiest profile is the server's.
    const files = await Promise.all((await readdir(profileDir)).filter((name) => name.endsWith(".cpuprofile")).map(async (name) => ({ name, size: (await stat(path.join(profileDir, name))).size })));
    const busiest = files.sort((a, b) => b.size - a.size)[0];
    if (!busiest) throw new Error(`no profile was written to ${profileDir}`);
    console.log(`\n${route}: ${sample.requestsPerSecond.toFixed(0)} req/s under the profiler`);
    await report(path.join(profileDir, busiest.name));
  } finally {
    await fixtures.close();
    await database.drop();
  }
}

// A saved profile as a second argument is only read again (the build that wrote it must still be there).
if (process.argv[3]) await report(path.resolve(process.argv[3]));
else await main();
