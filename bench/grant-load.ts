/**
 * Load on the token endpoint, which autocannon cannot make: every grant consumes what it presents (a
 * refresh token rotates, a code works once), so each request depends on the one before or on a supply.
 * Workers send one grant at a time; latency is measured to the end of the body, as autocannon does.
 */
import { performance } from "node:perf_hooks";

import { CODE_VERIFIER, NATIVE_CLIENT_ID, NATIVE_REDIRECT_URI, PERSONAL_CLIENT_ID } from "./fixtures";
import type { Sample } from "./support";

/** A bound on each worker's loop, whatever the clock does. */
const MAX_GRANTS_PER_WORKER = 50_000;

type GrantResult = { ok: true; refreshToken: string } | { ok: false; failure: string };

async function postGrant(base: string, form: Record<string, string>): Promise<GrantResult> {
  const response = await fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  const body = (await response.json().catch(() => null)) as { refresh_token?: unknown } | null;
  if (response.status === 200 && typeof body?.refresh_token === "string") return { ok: true, refreshToken: body.refresh_token };
  return { ok: false, failure: `${response.status} ${JSON.stringify(body).slice(0, 200)}` };
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
