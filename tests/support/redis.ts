import { Redis } from "ioredis";

/**
 * Who owns which Redis database, in one place. Suites run in parallel and each flushes (or fills) its
 * own database, so no two ever share one. Database 0 is a developer's (`npm run dev`) and no test's.
 *
 * | db     | owner                                                                   | flushed by its owner      |
 * |--------|-------------------------------------------------------------------------|---------------------------|
 * | 0      | a developer's app (`npm run dev`, `npm start`)                          | never by a test           |
 * | 1      | the end-to-end stack (e2e/support/config.ts)                            | at every start            |
 * | 2      | tests/sessions/session-service.test.ts                                  | before the file           |
 * | 3      | tests/tokens/'s token-service suites (token-service-harness.ts), one    | no: each file deletes its |
 * |        | key prefix per file (TEST_REDIS_URL_TOKENS overrides it)                | own prefix's keys         |
 * | 4      | tests/tokens/revocation-list.test.ts (TEST_REDIS_URL_REVOCATIONS)       | before and during         |
 * | 5      | tests/sign-in-limiter.test.ts                                           | no (random keys)          |
 * | 6      | tests/clients/clients-script.test.ts (the client CLI's revocations)     | before the file           |
 * | 7      | tests/redis-client-cache.test.ts                                        | no (random keys)          |
 * | 8..11  | free: a new suite takes the next one and adds it here                   |                           |
 * | 12     | bench/run.ts (`npm run bench`)                                          | no                        |
 * | 13     | bench/profile.ts (`npm run bench:profile`)                              | no                        |
 * | 14, 15 | end-to-end stacks run beside the default one (E2E_REDIS_DATABASE)       | at every start            |
 *
 * tests/tokens/ writes its URLs out itself (3 and 4 above); tests/redis-databases.test.ts fails when a
 * hard-coded database is not in this table, when two files hard-code the same one, or when two files
 * take the same row through `testRedisUrl`.
 */
export const REDIS_DATABASES = {
  e2e: 1,
  sessionService: 2,
  tokenService: 3,
  revocationList: 4,
  signInLimiter: 5,
  clientsScript: 6,
  redisClientCache: 7,
  bench: 12,
  benchProfile: 13,
  e2eSideBySide: 14,
  e2eSideBySideSecond: 15,
} as const;

/** The databases tests/tokens/* name in their own URLs (the table's rows for them). */
export const HARD_CODED_REDIS_DATABASES: readonly number[] = [REDIS_DATABASES.tokenService, REDIS_DATABASES.revocationList];

/**
 * The URL of one of the table's databases on the test Redis: TEST_REDIS_URL's server (host, port,
 * credentials), else 127.0.0.1:6379. A database number in TEST_REDIS_URL is ignored: each suite's
 * comes from the table, so pointing the tests at another server cannot make two suites share one.
 */
export function testRedisUrl(owner: keyof typeof REDIS_DATABASES): string {
  return redisDatabaseUrl(REDIS_DATABASES[owner]);
}

/** `database` (1..15) on the test Redis server; for the side-by-side end-to-end stacks. */
export function redisDatabaseUrl(database: number): string {
  if (!Number.isInteger(database) || database < 1 || database > 15) throw new Error(`Redis database ${database}: the tests use 1..15 (0 is a developer's)`);
  const url = new URL(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379");
  url.pathname = `/${database}`;
  return url.toString();
}

/** A Redis client tuned like the app's (fail fast, keep reconnecting), once it is connected. */
export async function connectTestRedis(url: string) {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 500, commandTimeout: 500, retryStrategy: () => 50 });
  await untilReady(redis);
  return redis;
}

export function untilReady(redis: Redis) {
  return redis.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => redis.once("ready", () => resolve()));
}
