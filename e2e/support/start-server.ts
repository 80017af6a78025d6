/**
 * Playwright's web server: a fresh database, then the production build with the local identity
 * provider, exactly as `npm start` runs it (scripts/lib/app-stack.ts).
 */
import { createServer } from "node:http";

import { Redis } from "ioredis";
import pg from "pg";

import { randomSecret } from "../../scripts/lib/local-state";
import { runStack } from "../../scripts/lib/app-stack";
import { startTcpProxy } from "../../tests/support/tcp-proxy";
import { e2eConfig } from "./config";

const admin = new pg.Client({ connectionString: e2eConfig.adminDatabaseUrl });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${e2eConfig.databaseName}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${e2eConfig.databaseName}"`);
await admin.end();

// Its own Redis database, emptied too: no session cache or rate-limit count from an earlier run.
const redis = new Redis(e2eConfig.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
await redis.connect();
await redis.flushdb();
redis.disconnect();

// The app reaches Redis through a relay that a test can cut and restore (POST /cut, /restore on the
// control port), to show that a Redis outage costs no request and lifts no revocation.
const redisTarget = new URL(e2eConfig.redisUrl);
const relay = await startTcpProxy({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
const control = createServer((request, response) => {
  const action = request.method === "POST" ? request.url : undefined;
  const done = action === "/cut" ? relay.cut() : action === "/restore" ? relay.restore() : undefined;
  if (!done) return void response.writeHead(404).end();
  done.then(() => response.writeHead(204).end(), () => response.writeHead(500).end());
});
await new Promise<void>((resolve) => control.listen(e2eConfig.redisControlPort, "127.0.0.1", resolve));
const appRedisUrl = `redis://127.0.0.1:${relay.port}${redisTarget.pathname}`;

process.exit(
  await runStack({
    mode: "start",
    extraAppPorts: [e2eConfig.secondAppPort],
    // The second process has no proxy in front: its client IP is the socket's (server/http/peer-address.cjs).
    extraAppOverrides: { TRUST_PROXY_HOPS: "0" },
    overrides: {
      PORT: String(e2eConfig.appPort),
      // Both app processes are one authorization server: the same issuer whichever port answers.
      OAUTH_ISSUER: e2eConfig.baseURL,
      TOKEN_KEY_ENCRYPTION_KEY: e2eConfig.tokenKeyEncryptionKey,
      CRON_SECRET: e2eConfig.cronSecret,
      DATABASE_URL: e2eConfig.databaseUrl,
      AUTH_SECRET: randomSecret(),
      AUTH_TRUST_HOST: "true",
      AUTH_LOCAL_IDP: "on",
      // A test deployment: the local IdP's "email verified" is believed, so the suite can sign in as the
      // ADMIN_EMAILS admin and link identities by email (off in production by default).
      AUTH_LOCAL_IDP_TRUSTED: "on",
      REDIS_URL: appRedisUrl,
      ADMIN_EMAILS: e2eConfig.adminEmail,
      // As if behind one proxy that appends to X-Forwarded-For: a test's own X-Forwarded-For plays that
      // proxy's entry, so it can be several clients (Next fills the header for the others, one socket IP).
      TRUST_PROXY_HOPS: "1",
      SIGN_IN_RATE_LIMIT: String(e2eConfig.signInRateLimit),
      SIGN_IN_RATE_LIMIT_PER_ACCOUNT: String(e2eConfig.accountSignInRateLimit),
      SESSION_TOUCH_INTERVAL_SECONDS: String(e2eConfig.sessionTouchIntervalSeconds),
      LOCAL_IDP_PORT: String(e2eConfig.idpPort),
      LOCAL_IDP_ISSUER: `http://localhost:${e2eConfig.idpPort}`,
    },
  }),
);
