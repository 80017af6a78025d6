import { createHash } from "node:crypto";

/**
 * Where the end-to-end stack runs. Its own ports (not the dev server's 3000/3001) and its own database,
 * recreated for every run, on the real PostgreSQL (PGlite would hide concurrency bugs).
 */
const adminDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export const e2eConfig = {
  appPort: Number(process.env.E2E_PORT ?? 3100),
  /** A second app process on the same database and Redis (revocation across processes). */
  secondAppPort: Number(process.env.E2E_SECOND_PORT ?? 3103),
  idpPort: Number(process.env.E2E_IDP_PORT ?? 3101),
  adminDatabaseUrl,
  databaseName: process.env.E2E_DATABASE ?? "gatehouse_e2e",
  /** A page on another origin (another port), for cross-site attacks. */
  attackerPort: Number(process.env.E2E_ATTACKER_PORT ?? 3102),
  // Its own Redis database number, away from a developer's keys in database 0.
  redisUrl: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1",
  /** Where a test cuts and restores the app's connection to Redis. */
  redisControlPort: Number(process.env.E2E_REDIS_CONTROL_PORT ?? 3104),
  /** ADMIN_EMAILS of the end-to-end stack. */
  adminEmail: "admin-e2e@example.com",
  /**
   * Sign-in attempts per IP per 10 minutes in the end-to-end stack. Every browser in the tests is the
   * same IP (Next fills X-Forwarded-For with the socket's address when a request has none), and the
   * suite signs in about 40 times (two attempts each): the limit leaves room for that, twice.
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
