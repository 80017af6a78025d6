import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { AuditEntry } from "@/server/audit/audit-log";
import type { OAuthClient } from "@/server/tokens/clients";
import { IssuingSessionEndedError, OAuthError, TokenVerificationError } from "@/server/tokens/errors";
import { hashOpaqueToken } from "@/server/tokens/opaque-token";
import { createRevocationList, type RevocationList } from "@/server/tokens/revocation-list";
import { DEFAULT_TOKEN_TIMINGS } from "@/server/tokens/token-config";
import { createTokenService, type TokenService } from "@/server/tokens/token-service";
import { connectTestRedis } from "../support/redis";
import { useTestDatabase } from "../support/test-database";
import { pkcePair, testKeys } from "./token-fixtures";

/* The token service against the real PostgreSQL and Redis, with a clock the test moves. */

const redisUrl = process.env.TEST_REDIS_URL_TOKENS ?? "redis://127.0.0.1:6379/3";
const config = { ...DEFAULT_TOKEN_TIMINGS, issuer: "https://gatehouse.test", audience: "https://gatehouse.test/api" };
const REDIRECT = "http://127.0.0.1:8976/callback";

async function oauthError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthError) return error.code;
    throw error;
  }
  return "succeeded";
}

async function verifyFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenVerificationError) return error.code;
    throw error;
  }
  return "accepted";
}

describe("token service", () => {
  const database = useTestDatabase("tokens");
  let db: PrismaClient;
  let redis: Redis;
  let keys: Awaited<ReturnType<typeof testKeys>>;
  let clock: Date;
  let audited: AuditEntry[];
  let native: OAuthClient;
  let other: OAuthClient;
  let playground: OAuthClient;
  const now = () => clock;

  beforeAll(async () => {
    db = database.db;
    redis = await connectTestRedis(redisUrl);
    await redis.flushdb();
    keys = await testKeys();
    native = await db.client.findUniqueOrThrow({ where: { id: "gatehouse-example-native" }, omit: { secretHash: true } });
    playground = await db.client.findUniqueOrThrow({ where: { id: "gatehouse-playground" }, omit: { secretHash: true } });
    other = await db.client.create({
      data: { id: "other-app", name: "Other app", type: "public", redirectUris: [REDIRECT], grantTypes: ["authorization_code", "refresh_token"], scopes: ["profile"] },
      omit: { secretHash: true },
    });
  });
  afterAll(async () => {
    redis?.disconnect();
  });
  beforeEach(() => {
    clock = new Date();
    audited = [];
  });

  function service(revocations: RevocationList = createRevocationList({ db, redis, maxTokenLifetimeMs: 910_000, now })): TokenService {
    return createTokenService({ db, keys: keys.store, revocations, config, now, audit: (entry) => audited.push(entry) });
  }

  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

  /** A person signed in in a browser: the session that asks for their grants. */
  async function newUser() {
    const user = await db.user.create({ data: { name: "Token Tester" } });
    const session = await db.session.create({ data: { tokenHash: `hash-${user.id}`, userId: user.id, expiresAt: new Date(Date.now() + 86_400_000) } });
    return { ...user, sessionId: session.id };
  }

  async function sessionOf(userId: string) {
    return (await db.session.findFirstOrThrow({ where: { userId } })).id;
  }

  async function codeFor(tokens: TokenService, userId: string, scopes = ["profile", "notes:read"]) {
    const pkce = pkcePair();
    const code = await tokens.createAuthorizationCode({ clientId: native.id, userId, redirectUri: REDIRECT, scopes, codeChallenge: pkce.challenge, issuingSessionId: await sessionOf(userId) });
    return { code, ...pkce };
  }

  async function pairFor(tokens: TokenService, userId: string) {
    const { code, verifier } = await codeFor(tokens, userId);
    return tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier });
  }

  describe("authorization code grant", () => {
    it("exchanges a code with the right PKCE verifier for an access token and a refresh token", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      expect(pair).toMatchObject({ token_type: "Bearer", expires_in: 900, scope: "profile notes:read" });
      expect(pair.refresh_token).toMatch(/^ghr_[A-Za-z0-9_-]{43}$/);
      const verified = await tokens.verifyAccessToken(pair.access_token);
      expect(verified).toMatchObject({ userId: user.id, clientId: native.id, scopes: ["profile", "notes:read"] });
      // Stored hashed, never in clear.
      expect(await db.refreshToken.count({ where: { tokenHash: hashOpaqueToken(pair.refresh_token) } })).toBe(1);
      expect(await db.refreshToken.count({ where: { tokenHash: pair.refresh_token } })).toBe(0);
    });

    it("refuses a missing-in-effect, wrong or plain PKCE verifier, and keeps the code usable for the right one", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier, challenge } = await codeFor(tokens, user.id);
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: pkcePair().verifier }))).toBe("invalid_grant");
      // `plain`: the verifier is the challenge itself.
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: challenge }))).toBe("invalid_grant");
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: "" }))).toBe("invalid_grant");
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("succeeded");
    });

    it("refuses a changed redirect_uri, another client, and an expired code", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: `${REDIRECT}/evil`, codeVerifier: verifier }))).toBe("invalid_grant");
      expect(await oauthError(tokens.exchangeAuthorizationCode(other, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("invalid_grant");
      advance(61_000);
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("invalid_grant");
    });

    it("a reused code is refused and revokes the tokens its first use issued", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      const first = await tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier });
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("invalid_grant");
      expect(await verifyFailure(tokens.verifyAccessToken(first.access_token))).toBe("revoked");
      expect(await oauthError(tokens.refresh(native, { refreshToken: first.refresh_token }))).toBe("invalid_grant");
      expect(audited.map((entry) => entry.event)).toContain("authorization_code_reused");
    });

    it("two concurrent exchanges of one code: one pair at most, and it is revoked", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      const results = await Promise.allSettled([0, 1].map(() => tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier })));
      const won = results.filter((result) => result.status === "fulfilled");
      expect(won.length).toBeLessThanOrEqual(1);
      for (const result of results) if (result.status === "rejected") expect(result.reason).toBeInstanceOf(OAuthError);
      const families = await db.tokenFamily.findMany({ where: { userId: user.id } });
      expect(families.every((family) => family.revokedAt !== null)).toBe(true);
    });
    it("a code whose issuing browser session has signed out is refused with invalid_grant", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      await db.session.delete({ where: { id: user.sessionId } });
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("invalid_grant");
      expect(await db.tokenFamily.count({ where: { userId: user.id } })).toBe(0);
    });

    it("a code whose issuing browser session has expired is refused with invalid_grant", async () => {
      const live = new Set<string>();
      const tokens = createTokenService({ db, keys: keys.store, revocations: createRevocationList({ db, redis, maxTokenLifetimeMs: 910_000, now }), config, now, isSessionLive: async (id) => live.has(id) });
      const user = await newUser();
      live.add(user.sessionId);
      const first = await codeFor(tokens, user.id);
      expect((await tokens.exchangeAuthorizationCode(native, { code: first.code, redirectUri: REDIRECT, codeVerifier: first.verifier })).token_type).toBe("Bearer");
      const second = await codeFor(tokens, user.id);
      live.delete(user.sessionId); // idle or absolute end reached: the row is still there
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code: second.code, redirectUri: REDIRECT, codeVerifier: second.verifier }))).toBe("invalid_grant");
    });
  });

  describe("refresh tokens", () => {
    it("rotate: each use returns a new refresh token and retires the old one", async () => {
      const tokens = service();
      const user = await newUser();
      const first = await pairFor(tokens, user.id);
      advance(60_000);
      const second = await tokens.refresh(native, { refreshToken: first.refresh_token });
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.access_token).not.toBe(first.access_token);
      const old = await db.refreshToken.findUniqueOrThrow({ where: { tokenHash: hashOpaqueToken(first.refresh_token) } });
      expect(old.retiredAt).not.toBeNull();
      await expect(tokens.verifyAccessToken(second.access_token)).resolves.toMatchObject({ userId: user.id });
    });

    it("a replayed refresh token revokes its family: every refresh token and every live access token", async () => {
      const tokens = service();
      const user = await newUser();
      const first = await pairFor(tokens, user.id);
      const second = await tokens.refresh(native, { refreshToken: first.refresh_token });
      advance(config.reuseGraceSeconds * 1000 + 1000);
      expect(await oauthError(tokens.refresh(native, { refreshToken: first.refresh_token }))).toBe("invalid_grant");
      expect(await oauthError(tokens.refresh(native, { refreshToken: second.refresh_token }))).toBe("invalid_grant");
      expect(await verifyFailure(tokens.verifyAccessToken(second.access_token))).toBe("revoked");
      expect(await verifyFailure(tokens.verifyAccessToken(first.access_token))).toBe("revoked");
      expect(audited.map((entry) => entry.event)).toEqual(expect.arrayContaining(["refresh_token_reused", "token_family_revoked"]));
      const family = await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id } });
      expect(family.revokedReason).toBe("refresh_token_reuse");
    });

    it("an honest race within the grace window gets the same successor, never two live ones", async () => {
      const tokens = service();
      const user = await newUser();
      const first = await pairFor(tokens, user.id);
      const results = await Promise.all([0, 1, 2].map(() => tokens.refresh(native, { refreshToken: first.refresh_token })));
      expect(new Set(results.map((result) => result.refresh_token)).size).toBe(1);
      expect(new Set(results.map((result) => result.access_token)).size).toBe(1);
      const family = await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id }, include: { tokens: true } });
      expect(family.revokedAt).toBeNull();
      expect(family.tokens.filter((token) => token.retiredAt === null)).toHaveLength(1);
      // Presented again a little later, still within the window: the same answer.
      advance(5_000);
      const late = await tokens.refresh(native, { refreshToken: first.refresh_token });
      expect(late.refresh_token).toBe(results[0]!.refresh_token);
      await expect(tokens.refresh(native, { refreshToken: late.refresh_token })).resolves.toMatchObject({ token_type: "Bearer" });
    });

    it("the grace window does not cover a successor that has itself been used", async () => {
      const tokens = service();
      const user = await newUser();
      const first = await pairFor(tokens, user.id);
      const second = await tokens.refresh(native, { refreshToken: first.refresh_token });
      await tokens.refresh(native, { refreshToken: second.refresh_token });
      expect(await oauthError(tokens.refresh(native, { refreshToken: first.refresh_token }))).toBe("invalid_grant");
      expect((await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id } })).revokedReason).toBe("refresh_token_reuse");
    });

    it("expire after their lifetime, and never outlive the family", async () => {
      const tokens = createTokenService({
        db,
        keys: keys.store,
        revocations: createRevocationList({ db, redis, maxTokenLifetimeMs: 910_000, now }),
        config: { ...config, refreshTokenTtlSeconds: 3600, familyMaxAgeSeconds: 5400 },
        now,
      });
      const user = await newUser();
      const first = await pairFor(tokens, user.id);
      advance(3601_000);
      expect(await oauthError(tokens.refresh(native, { refreshToken: first.refresh_token }))).toBe("invalid_grant");

      const fresh = await pairFor(tokens, user.id);
      advance(3000_000);
      const rotated = await tokens.refresh(native, { refreshToken: fresh.refresh_token });
      const row = await db.refreshToken.findUniqueOrThrow({ where: { tokenHash: hashOpaqueToken(rotated.refresh_token) }, include: { family: true } });
      expect(row.expiresAt.getTime()).toBe(row.family.expiresAt.getTime());
      advance(2401_000);
      expect(await oauthError(tokens.refresh(native, { refreshToken: rotated.refresh_token }))).toBe("invalid_grant");
    });

    it("are bound to their client", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      expect(await oauthError(tokens.refresh(other, { refreshToken: pair.refresh_token }))).toBe("invalid_grant");
      // Not treated as reuse: the real client still refreshes.
      await expect(tokens.refresh(native, { refreshToken: pair.refresh_token })).resolves.toMatchObject({ token_type: "Bearer" });
    });

    it("may narrow the scope of the new access token, never widen it", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      const narrowed = await tokens.refresh(native, { refreshToken: pair.refresh_token, scopes: ["profile"] });
      expect(narrowed.scope).toBe("profile");
      expect(await oauthError(tokens.refresh(native, { refreshToken: narrowed.refresh_token, scopes: ["notes:write"] }))).toBe("invalid_scope");
    });

    it("an access token is refused as a refresh token, and the reverse", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      expect(await oauthError(tokens.refresh(native, { refreshToken: pair.access_token }))).toBe("invalid_grant");
      expect(await verifyFailure(tokens.verifyAccessToken(pair.refresh_token))).toBe("malformed");
    });
  });

  describe("revocation reaches access tokens", () => {
    it("revoking a refresh token (RFC 7009) denies the family's access tokens at once", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      await tokens.verifyAccessToken(pair.access_token);
      await tokens.revokeToken(native, pair.refresh_token);
      expect(await verifyFailure(tokens.verifyAccessToken(pair.access_token))).toBe("revoked");
    });

    it("revoking an access token denies it; another client's token is left alone", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      await tokens.revokeToken(other, pair.access_token);
      await tokens.revokeToken(other, pair.refresh_token);
      await expect(tokens.verifyAccessToken(pair.access_token)).resolves.toMatchObject({ userId: user.id });
      await tokens.revokeToken(native, pair.access_token);
      expect(await verifyFailure(tokens.verifyAccessToken(pair.access_token))).toBe("revoked");
      // The refresh token survives an access token's revocation.
      await expect(tokens.refresh(native, { refreshToken: pair.refresh_token })).resolves.toMatchObject({ token_type: "Bearer" });
    });

    it("sign out everywhere refuses every token issued before it, and revokes every family", async () => {
      const tokens = service();
      const user = await newUser();
      const [a, b] = [await pairFor(tokens, user.id), await pairFor(tokens, user.id)];
      advance(2_000);
      await tokens.revokeAllForUser(user.id);
      for (const pair of [a, b]) {
        expect(await verifyFailure(tokens.verifyAccessToken(pair.access_token))).toBe("revoked");
        expect(await oauthError(tokens.refresh(native, { refreshToken: pair.refresh_token }))).toBe("invalid_grant");
      }
      advance(2_000);
      const after = await pairFor(tokens, user.id);
      await expect(tokens.verifyAccessToken(after.access_token)).resolves.toMatchObject({ userId: user.id });
    });

    it("a code issued before sign out everywhere starts no pair after it", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      const unused = await codeFor(tokens, user.id);
      advance(2_000);
      await tokens.revokeAllForUser(user.id);
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("invalid_grant");
      expect(await db.authorizationCode.count({ where: { userId: user.id, usedAt: null } })).toBe(0);
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code: unused.code, redirectUri: REDIRECT, codeVerifier: unused.verifier }))).toBe("invalid_grant");
    });

    it("grants are written only while the session that asked for them lives", async () => {
      const tokens = service();
      const user = await newUser();
      await db.session.delete({ where: { id: user.sessionId } });
      await expect(tokens.issueFamily({ kind: "personal", clientId: "gatehouse-personal", userId: user.id, scopes: ["profile"], issuingSessionId: user.sessionId })).rejects.toBeInstanceOf(IssuingSessionEndedError);
      await expect(
        tokens.createAuthorizationCode({ clientId: native.id, userId: user.id, redirectUri: REDIRECT, scopes: ["profile"], codeChallenge: pkcePair().challenge, issuingSessionId: user.sessionId }),
      ).rejects.toBeInstanceOf(IssuingSessionEndedError);
      expect(await db.tokenFamily.count({ where: { userId: user.id } })).toBe(0);
    });

    it("the same checks hold without Redis, on PostgreSQL alone", async () => {
      const tokens = service(createRevocationList({ db, redis: null, maxTokenLifetimeMs: 910_000, now }));
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      const second = await pairFor(tokens, user.id);
      await tokens.revokeToken(native, pair.refresh_token);
      expect(await verifyFailure(tokens.verifyAccessToken(pair.access_token))).toBe("revoked");
      await expect(tokens.verifyAccessToken(second.access_token)).resolves.toMatchObject({ userId: user.id });
      advance(2_000);
      await tokens.revokeAllForUser(user.id);
      expect(await verifyFailure(tokens.verifyAccessToken(second.access_token))).toBe("revoked");
    });

    it("a revocation made through one process is seen by another (shared Redis copy)", async () => {
      const [one, two] = [service(), service()];
      const user = await newUser();
      const pair = await pairFor(one, user.id);
      await two.verifyAccessToken(pair.access_token);
      await one.revokeToken(native, pair.refresh_token);
      expect(await verifyFailure(two.verifyAccessToken(pair.access_token))).toBe("revoked");
    });

    it("a verified token stays cached until it expires, then is refused", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      await tokens.verifyAccessToken(pair.access_token);
      advance((config.accessTokenTtlSeconds + config.clockSkewSeconds) * 1000);
      expect(await verifyFailure(tokens.verifyAccessToken(pair.access_token))).toBe("expired");
    });
  });

  describe("introspection (RFC 7662)", () => {
    it("describes a live access or refresh token, and says only active:false for a dead one", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      expect(await tokens.introspect(pair.access_token)).toMatchObject({ active: true, sub: user.id, client_id: native.id, scope: "profile notes:read" });
      expect(await tokens.introspect(pair.refresh_token)).toMatchObject({ active: true, sub: user.id, token_type: "refresh_token" });
      await tokens.revokeToken(native, pair.refresh_token);
      expect(await tokens.introspect(pair.access_token)).toEqual({ active: false });
      expect(await tokens.introspect(pair.refresh_token)).toEqual({ active: false });
      expect(await tokens.introspect("garbage")).toEqual({ active: false });
      const stranger = await testKeys("stranger");
      const foreign = createTokenService({ db, keys: stranger.store, revocations: createRevocationList({ db, maxTokenLifetimeMs: 1, now }), config, now });
      expect(await tokens.introspect((await foreign.issueFamily({ kind: "personal", clientId: "gatehouse-personal", userId: user.id, scopes: ["profile"], issuingSessionId: user.sessionId })).response.access_token)).toEqual({
        active: false,
      });
    });
  });

  describe("families", () => {
    it("lists a person's live families and lets them revoke their own only", async () => {
      const tokens = service();
      const [user, stranger] = [await newUser(), await newUser()];
      const { familyId } = await tokens.issueFamily({ kind: "personal", clientId: "gatehouse-personal", userId: user.id, scopes: ["notes:read"], name: "backup script", issuingSessionId: user.sessionId });
      expect((await tokens.listFamilies(user.id)).map((family) => family.name)).toEqual(["backup script"]);
      expect(await tokens.revokeUserFamily(stranger.id, familyId)).toBe(false);
      expect(await tokens.revokeUserFamily(user.id, familyId)).toBe(true);
      expect(await tokens.listFamilies(user.id)).toEqual([]);
    });

    it("a family bound to a session that ended on its own (no revocation) refreshes no more", async () => {
      let live = true;
      const tokens = createTokenService({
        db,
        keys: keys.store,
        revocations: createRevocationList({ db, redis, maxTokenLifetimeMs: 910_000, now }),
        config,
        now,
        isSessionLive: async (sessionId) => sessionId === user.sessionId && live,
      });
      const user = await newUser();
      const issued = await tokens.issueFamily({ kind: "playground", clientId: "gatehouse-playground", userId: user.id, scopes: ["profile"], issuingSessionId: user.sessionId, boundToSession: true });
      const refreshed = await tokens.refresh(playground, { refreshToken: issued.response.refresh_token });
      live = false;
      expect(await oauthError(tokens.refresh(playground, { refreshToken: refreshed.refresh_token }))).toBe("invalid_grant");
      expect((await db.tokenFamily.findUniqueOrThrow({ where: { id: issued.familyId } })).revokedReason).toBe("session_ended");
      expect(await verifyFailure(tokens.verifyAccessToken(refreshed.access_token))).toBe("revoked");
    });

    it("a family bound to a browser session ends with it", async () => {
      const tokens = service();
      const user = await newUser();
      const issued = await tokens.issueFamily({ kind: "playground", clientId: "gatehouse-playground", userId: user.id, scopes: ["profile"], issuingSessionId: user.sessionId, boundToSession: true });
      await tokens.revokeFamiliesOfSession(user.sessionId);
      expect(await verifyFailure(tokens.verifyAccessToken(issued.response.access_token))).toBe("revoked");
    });
  });
});
