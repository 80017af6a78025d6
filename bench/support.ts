/**
 * What the benchmarks share: a throwaway PostgreSQL database with the migrations applied, the production
 * build started with a given environment, autocannon runs with the CPU they cost (cpu.ts), and medians.
 *
 * Load goes to 127.0.0.1 only; every loop is bounded in time.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";

import autocannon from "autocannon";
import pg from "pg";

import { repoRoot } from "../scripts/lib/local-state";
import { startProcess, waitForHttp, type RunningProcess } from "../scripts/lib/processes";
import { applyMigrations } from "../scripts/lib/prisma-cli";
import { baselineAppDir } from "./build-baseline";
import { cpuPerRequest, cpuSnapshot } from "./cpu";

/** Concurrent connections autocannon opens for every measurement. */
export const BENCH_CONNECTIONS = 10;

export interface Sample {
  requestsPerSecond: number;
  p99: number;
  /** Failures: non-2xx answers plus socket errors. */
  non2xx: number;
  /** CPU per request, in µs (cpu.ts): the server's, and the machine's less the load generator's. Absent off Linux. */
  cpu?: { serverUs: number; machineUs: number };
}

/** The process group of the server at each origin, for its CPU time (startApp and startBaselineApp fill it). */
const serverGroups = new Map<string, number>();

/** One autocannon run, with the CPU its server (found by the URL's origin) and the machine spent meanwhile. */
export async function runAutocannon(options: autocannon.Options): Promise<Sample> {
  const group = serverGroups.get(new URL(String(options.url)).origin);
  const before = cpuSnapshot(group);
  const result = await autocannon(options);
  const cpu = cpuPerRequest(before, cpuSnapshot(group), result.requests.total);
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx + result.errors, cpu };
}

/** One autocannon run of `duration` seconds against `url`. */
export function measure(url: string, headers: Record<string, string>, duration: number): Promise<Sample> {
  return runAutocannon({ url, connections: BENCH_CONNECTIONS, duration, headers });
}

/** Like `measure`, with each request's headers from `headersFor` (a different credential each time). */
export function measureRotating(url: string, headersFor: () => Record<string, string>, duration: number): Promise<Sample> {
  return runAutocannon({
    url,
    connections: BENCH_CONNECTIONS,
    duration,
    requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...headersFor() } }) }],
  });
}

/** The median (the mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on the server `adminUrl` points at, migrated; `drop()` removes it even with connections open. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const databaseName = `gatehouse_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${databaseName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  };
  try {
    await applyMigrations(url.toString());
  } catch (error) {
    await drop();
    throw error;
  }
  return { url: url.toString(), drop };
}

/** Where the server under test listens, and so its OAuth issuer: 127.0.0.1 only. */
export const appOrigin = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The production server's environment: this process's, plus a fresh AUTH_SECRET, the database, the
 * OAuth issuer (required in production) and REDIS_URL when `redisUrl` is given (empty otherwise, so
 * the app runs on PostgreSQL alone).
 */
export function appEnvironment(options: { databaseUrl: string; redisUrl: string | null; port: number; extra?: Record<string, string> }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: options.databaseUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    AUTH_TRUST_HOST: "true",
    AUTH_LOCAL_IDP: "off",
    OAUTH_ISSUER: appOrigin(options.port),
    // Empty, not absent, without Redis: `next start` would fill an absent one in from an env file.
    REDIS_URL: options.redisUrl ?? "",
    // One client from one address, hundreds of times a second: the OAuth endpoints' limits (which still
    // count every request) are raised above what the run sends.
    OAUTH_RATE_LIMIT_PER_IP: "10000000",
    OAUTH_RATE_LIMIT_PER_CLIENT: "10000000",
    ...options.extra,
  };
  return env;
}

export interface RunningApp {
  /** http://127.0.0.1:<port> */
  base: string;
  stop(): Promise<void>;
}

/**
 * Gatehouse's `next start` (the build in NEXT_DIST_DIR when the environment names one) in its own
 * process group, resolved once /api/v1/ping answers.
 */
export async function startApp(label: string, port: number, env: NodeJS.ProcessEnv, { nodeArgs = [] as string[] } = {}): Promise<RunningApp> {
  // Node flags such as --cpu-prof are refused in NODE_OPTIONS; `next start` passes them on to the server process it forks.
  const next = path.join(repoRoot, "node_modules", "next", "dist", "bin", "next");
  const server = startProcess(`next start (${label})`, process.execPath, [...nodeArgs, next, "start", "--port", String(port)], env);
  const base = appOrigin(port);
  try {
    await waitForHttp(`${base}/api/v1/ping`, server, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return measured(base, server);
}

/** The stock Next.js app (built by bench/build-baseline.ts): Next.js alone, nothing of ours. */
export async function startBaselineApp(port: number): Promise<RunningApp> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  const next = path.join(baselineAppDir, "node_modules", "next", "dist", "bin", "next");
  const server = startProcess("next start (stock Next.js)", process.execPath, [next, "start", baselineAppDir, "--port", String(port)], env);
  const base = appOrigin(port);
  try {
    await waitForHttp(`${base}/api/ping`, server, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return measured(base, server);
}

/** A started server whose CPU time the measurements at `base` read (it leads its own process group). */
function measured(base: string, server: RunningProcess): RunningApp {
  if (server.child.pid !== undefined) serverGroups.set(base, server.child.pid);
  return {
    base,
    stop: async () => {
      serverGroups.delete(base);
      await server.stop();
    },
  };
}
