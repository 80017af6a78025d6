import { createHash } from "node:crypto";
import path from "node:path";

import { redisDatabaseUrl, REDIS_DATABASES } from "../../tests/support/redis";

/**
 * Where the end-to-end stack runs. Its own ports (not the dev server's 3000/3001) and its own database,
 * recreated for every run, on the real PostgreSQL (PGlite would hide concurrency bugs).
 */
const adminDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const databaseName = process.env.E2E_DATABASE ?? "gatehouse_e2e";

/**
 * The end-to-end stack's Redis database (tests/support/redis.ts): 1, or E2E_REDIS_DATABASE=14 or 15 for
 * a stack run beside it (another checkout's, or another build's) on other ports, since each stack
 * flushes its own at start.
 */
const E2E_REDIS_DATABASES: readonly number[] = [REDIS_DATABASES.e2e, REDIS_DATABASES.e2eSideBySide, REDIS_DATABASES.e2eSideBySideSecond];
const redisDatabase = Number(process.env.E2E_REDIS_DATABASE ?? REDIS_DATABASES.e2e);
if (!E2E_REDIS_DATABASES.includes(redisDatabase)) {
  throw new Error(`E2E_REDIS_DATABASE=${process.env.E2E_REDIS_DATABASE}: an end-to-end stack uses Redis database ${E2E_REDIS_DATABASES.join(", ")} (see tests/support/redis.ts)`);
}

export const e2eConfig = {
  appPort: Number(process.env.E2E_PORT ?? 3100),
  /** A second app process on the same database and Redis (revocation across processes). */
  secondAppPort: Number(process.env.E2E_SECOND_PORT ?? 3103),
  idpPort: Number(process.env.E2E_IDP_PORT ?? 3101),
  adminDatabaseUrl,
  databaseName,
  /** A page on another origin (another port), for cross-site attacks. */
  attackerPort: Number(process.env.E2E_ATTACKER_PORT ?? 3102),
  /** Its own Redis database, away from a developer's keys in database 0 and the other suites'. */
  redisUrl: redisDatabaseUrl(redisDatabase),
  /** Where a test cuts and restores the app's connection to Redis. */
  redisControlPort: Number(process.env.E2E_REDIS_CONTROL_PORT ?? 3104),
  /**
   * Where the setup project (e2e/auth.setup.ts) saves each role's signed-in browser state: one folder
   * per stack's database, so stacks run side by side never read each other's sessions (git-ignored).
   */
  savedSignInDir: path.resolve(import.meta.dirname, "..", ".auth", databaseName),
  /** ADMIN_EMAILS of the end-to-end stack. */
  adminEmail: "admin-e2e@example.com",
  /**
   * Sign-in attempts per IP per 10 minutes in the end-to-end stack. Every browser in the tests is the
   * same IP (Next fills X-Forwarded-For with the socket's address when a request has none), and the
   * suite signs in about 50 times (two attempts each; most tests use the setup project's saved
   * sign-ins): the limit leaves room for that, twice.
   */
  signInRateLimit: 200,
  /**
   * TOKEN_KEY_ENCRYPTION_KEY of the end-to-end stack, so a test can open the app's signing key and forge
   * tokens an insider could (expired, wrong audience...). Test-only, for a database dropped every run.
   */
  tokenKeyEncryptionKey: createHash("sha256").update("gatehouse end-to-end tests only").digest("base64url"),
  /** CRON_SECRET of the end-to-end stack (test-only). */
  cronSecret: createHash("sha256").update("gatehouse end-to-end cron only").digest("base64url"),
  /** Sign-ins per provider account per 10 minutes (no test signs one account in more often). */
  accountSignInRateLimit: 3,
  /** Last-used writes and cookie renewal every second (60 by default), so renewal can be seen quickly. */
  sessionTouchIntervalSeconds: 1,
  get databaseUrl() {
    const url = new URL(adminDatabaseUrl);
    url.pathname = `/${this.databaseName}`;
    return url.toString();
  },
  get baseURL() {
    return `http://localhost:${this.appPort}`;
  },
  get secondBaseURL() {
    return `http://localhost:${this.secondAppPort}`;
  },
};
