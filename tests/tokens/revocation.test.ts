import { beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import type { OAuthClient } from "@/server/tokens/clients";
import { IssuingSessionEndedError } from "@/server/tokens/errors";
import { createRevocationList } from "@/server/tokens/revocation-list";
import { config, oauthError, REDIRECT, useTokenServiceHarness, verifyFailure } from "./token-service-harness";
import { pkcePair } from "./token-fixtures";

/* Revocation (revocation.ts, family-revocation.ts) reaching access tokens, through the denylist and the per-user epoch. */

describe("token service", () => {
  const harness = useTokenServiceHarness("revocation");
  const { now, advance, service, newUser, codeFor, pairFor } = harness;
  let db: PrismaClient;
  let sql: Sql;
  let native: OAuthClient;
  let other: OAuthClient;
  beforeAll(() => {
    ({ db, sql, native, other } = harness.state);
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
      const tokens = service(createRevocationList({ db, sql, redis: null, maxTokenLifetimeMs: 910_000, now }));
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
});
