/**
 * Load on the token endpoint, which autocannon cannot make: every grant consumes what it presents (a
 * refresh token rotates, a code works once), so each request depends on the one before or on a supply.
 * Workers send one grant at a time; latency is measured to the end of the body, as autocannon does.
 */
import { Agent, request as httpRequest } from "node:http";
import { performance } from "node:perf_hooks";

import { CODE_VERIFIER, NATIVE_CLIENT_ID, NATIVE_REDIRECT_URI, PERSONAL_CLIENT_ID } from "./fixtures";
import type { Sample } from "./support";

/** A bound on each worker's loop, whatever the clock does. */
const MAX_GRANTS_PER_WORKER = 50_000;

type GrantResult = { ok: true; refreshToken: string } | { ok: false; failure: string };

/**
 * Node's http client on kept-alive connections, not fetch: the load generator shares the machine's two
 * cores with the server, and fetch costs it several times more CPU per request. Like autocannon for the
 * other routes, it asks for no compression.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function postGrant(base: string, form: Record<string, string>): Promise<GrantResult> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve) => {
    const request = httpRequest(`${base}/oauth/token`, { method: "POST", agent, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        const parsed = (() => {
          try {
            return JSON.parse(text) as { refresh_token?: unknown };
          } catch {
            return null;
          }
        })();
        if (response.statusCode === 200 && typeof parsed?.refresh_token === "string") resolve({ ok: true, refreshToken: parsed.refresh_token });
        else resolve({ ok: false, failure: `${response.statusCode} ${text.slice(0, 200)}` });
      });
    });
    request.on("error", (error) => resolve({ ok: false, failure: error.message }));
    request.end(body);
  });
}

export const refreshGrant = (base: string, refreshToken: string) => postGrant(base, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: PERSONAL_CLIENT_ID });

export const codeExchange = (base: string, code: string) =>
  postGrant(base, { grant_type: "authorization_code", code, redirect_uri: NATIVE_REDIRECT_URI, code_verifier: CODE_VERIFIER, client_id: NATIVE_CLIENT_ID });

export interface GrantSample extends Sample {
  grants: number;
  failures: string[];
}

/**
 * `workers` loops for `duration` seconds, each calling `next(worker)` until it answers null (nothing left
 * to present) or a grant fails (the worker stops: its chain may be broken).
 */
async function runWorkers(workers: number, duration: number, grant: (worker: number) => Promise<GrantResult | null>): Promise<GrantSample> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const started = performance.now();
  const deadline = started + duration * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let count = 0; count < MAX_GRANTS_PER_WORKER && performance.now() < deadline; count += 1) {
        const sent = performance.now();
        const result = await grant(worker);
        if (result === null) return;
        if (!result.ok) {
          failures.push(result.failure);
          return;
        }
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p99 = latencies.length > 0 ? latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]! : NaN;
  return { requestsPerSecond: latencies.length / elapsedSeconds, p99: Math.round(p99), non2xx: failures.length, grants: latencies.length, failures };
}

/** Each worker rotates its own family, always presenting the refresh token the previous answer gave it. */
export function measureRefresh(base: string, chains: string[], duration: number): Promise<GrantSample> {
  return runWorkers(chains.length, duration, async (worker) => {
    const result = await refreshGrant(base, chains[worker]!);
    if (result.ok) chains[worker] = result.refreshToken;
    return result;
  });
}

/** Workers exchange codes from `codes` until the time or the codes run out. */
export function measureCodeExchange(base: string, codes: string[], workers: number, duration: number): Promise<GrantSample> {
  return runWorkers(workers, duration, async () => {
    const code = codes.pop();
    return code === undefined ? null : codeExchange(base, code);
  });
}
