import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { AuditEntry } from "@/server/audit/audit-log";
import type { Sql } from "@/server/database";
import type { OAuthClient } from "@/server/tokens/clients";
import { OAuthError, TokenVerificationError } from "@/server/tokens/errors";
import { createRevocationList, type RevocationList } from "@/server/tokens/revocation-list";
import { DEFAULT_TOKEN_TIMINGS } from "@/server/tokens/token-config";
import type { TokenServiceDeps } from "@/server/tokens/token-context";
import { createTokenService, type TokenService } from "@/server/tokens/token-service";
import { connectTestRedis, untilReady } from "../support/redis";
import { useTestDatabase } from "../support/test-database";
import { pkcePair, testKeys } from "./token-fixtures";

/*
 * The token service against the real PostgreSQL and Redis, with a clock the test moves: what the token
 * service's suites (grants, revocation, introspection, families) share. Each file gets a database of its
 * own and a key prefix of its own on the token service's Redis database (tests/support/redis.ts), so
 * the files run side by side without seeing each other's denylist or completeness mark.
 */

const redisUrl = process.env.TEST_REDIS_URL_TOKENS ?? "redis://127.0.0.1:6379/3";
export const config = { ...DEFAULT_TOKEN_TIMINGS, issuer: "https://gatehouse.test", audience: "https://gatehouse.test/api" };
export const REDIRECT = "http://127.0.0.1:8976/callback";

export async function oauthError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthError) return error.code;
    throw error;
  }
  return "succeeded";
}

export async function verifyFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenVerificationError) return error.code;
    throw error;
  }
  return "accepted";
}

export type TestKeys = Awaited<ReturnType<typeof testKeys>>;

/** What the harness's `beforeAll` has set up; read it inside the tests (or copy it in a `beforeAll`). */
export interface TokenServiceHarnessState {
  /** The same database in plain SQL (what the token library gets besides Prisma). */
  sql: Sql;
  db: PrismaClient;
  /** Prefixed: every key this file's revocation lists write starts with its own prefix. */
  redis: Redis;
  keys: TestKeys;
  native: OAuthClient;
  other: OAuthClient;
  playground: OAuthClient;
}

/**
 * Sets up the calling file's suite (its `beforeAll`, `afterAll` and `beforeEach`) and returns its helpers.
 * @param label names the file's database and Redis key prefix: letters, digits and underscores. */
export function useTokenServiceHarness(label: string) {
  const database = useTestDatabase(`tokens_${label}`);
  const keyPrefix = `gatehouse-test:tokens:${label}:`;
  const state = {} as TokenServiceHarnessState;
  /** Every audit entry of the current test (emptied before each). */
  const audited: AuditEntry[] = [];
  /** The test's clock: set to the real time before each test, moved by `advance`. */
  const clock = { now: new Date() };
  const now = () => clock.now;

  /** Unprefixed: clears this file's keys, before and after (never the whole database, which other files share). */
  const unprefixed: { redis?: Redis } = {};
  async function clearOwnKeys() {
    const own = (await unprefixed.redis?.keys(`${keyPrefix}*`)) ?? [];
    if (own.length > 0) await unprefixed.redis?.del(...own);
  }

  beforeAll(async () => {
    const { db, sql } = database;
    unprefixed.redis = await connectTestRedis(redisUrl);
    await clearOwnKeys();
    const redis = unprefixed.redis.duplicate({ keyPrefix });
    await untilReady(redis);
    const keys = await testKeys();
    const native = await db.client.findUniqueOrThrow({ where: { id: "gatehouse-example-native" }, omit: { secretHash: true } });
    const playground = await db.client.findUniqueOrThrow({ where: { id: "gatehouse-playground" }, omit: { secretHash: true } });
    const other = await db.client.create({
      data: { id: "other-app", name: "Other app", type: "public", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], scopes: ["profile"] },
      omit: { secretHash: true },
    });
    Object.assign(state, { db, sql, redis, keys, native, other, playground });
  });
  afterAll(async () => {
    state.redis?.disconnect();
    await clearOwnKeys();
    unprefixed.redis?.disconnect();
  });
  beforeEach(() => {
    clock.now = new Date();
    audited.length = 0;
  });

  function service(revocations?: RevocationList, overrides: Partial<TokenServiceDeps> = {}): TokenService {
    const { db, sql, redis, keys } = state;
    revocations ??= createRevocationList({ db, sql, redis, maxTokenLifetimeMs: 910_000, now });
    return createTokenService({ db, sql, keys: keys.store, revocations, config, now, audit: (entry) => audited.push(entry), ...overrides });
  }

  const advance = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));

  /** A person signed in in a browser: the session that asks for their grants. */
  async function newUser() {
    const user = await state.db.user.create({ data: { name: "Token Tester" } });
    const session = await state.db.session.create({ data: { tokenHash: `hash-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() + 86_400_000) } });
    return { ...user, sessionId: session.id };
  }

  async function sessionOf(userId: string) {
    return (await state.db.session.findFirstOrThrow({ where: { userId } })).id;
  }

  async function codeFor(tokens: TokenService, userId: string, scopes = ["profile", "notes:read"]) {
    const pkce = pkcePair();
    const code = await tokens.createAuthorizationCode({ clientId: state.native.id, userId, redirectUri: REDIRECT, scopes, codeChallenge: pkce.challenge, issuingSessionId: await sessionOf(userId) });
    return { code, ...pkce };
  }

  async function pairFor(tokens: TokenService, userId: string) {
    const { code, verifier } = await codeFor(tokens, userId);
    return tokens.exchangeAuthorizationCode(state.native, { code, redirectUri: REDIRECT, codeVerifier: verifier });
  }

  return { state, audited, now, advance, service, newUser, codeFor, pairFor };
}
