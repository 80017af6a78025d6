import "server-only";

import { parseEnv, type Env } from "@/server/env-schema";

/**
 * The validated environment: the only place the app reads `process.env`.
 *
 * Validation is lazy so that `next build` does not need runtime secrets; `instrumentation.ts` calls
 * `getEnv()` when the server starts, so a bad configuration still stops the app at start-up, with
 * one line per problem, before it serves a request.
 */
let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
