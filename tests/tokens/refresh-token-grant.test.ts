import { beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { OAuthClient } from "@/server/tokens/clients";
import { findGrant } from "@/server/tokens/grants";
import { hashOpaqueToken } from "@/server/tokens/opaque-token";
import { config, oauthError, useTokenServiceHarness, verifyFailure } from "./token-service-harness";

/* The refresh_token grant (grants/refresh-token.ts): rotation, reuse detection, the grace window. */

describe("token service", () => {
  const harness = useTokenServiceHarness("refresh_token");
  const { audited, now, advance, service, newUser, pairFor } = harness;
  let db: PrismaClient;
  let native: OAuthClient;
  let other: OAuthClient;
  beforeAll(() => {
    ({ db, native, other } = harness.state);
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

    it("a retry within the grace window is refused once the access token it would hand back has been revoked", async () => {
      const tokens = service();
      const user = await newUser();
      const first = await pairFor(tokens, user.id);
      const second = await tokens.refresh(native, { refreshToken: first.refresh_token });
      await tokens.revokeToken(native, second.access_token);
      advance(2_000);
      expect(await oauthError(tokens.refresh(native, { refreshToken: first.refresh_token }))).toBe("invalid_grant");
      // Not taken for reuse: the family and its successor refresh token live on.
      expect((await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id } })).revokedAt).toBeNull();
      await expect(tokens.refresh(native, { refreshToken: second.refresh_token })).resolves.toMatchObject({ token_type: "Bearer" });
    });

    it("a new pair's expires_in is the whole lifetime, even when a second turns while the grant is written", async () => {
      const user = await newUser();
      const first = await pairFor(service(), user.id);
      // Every reading of the clock is 400 ms later than the one before.
      let ticks = 0;
      const slowClock = () => new Date(now().getTime() + 400 * (ticks += 1));
      const refreshed = await service(undefined, { now: slowClock }).refresh(native, { refreshToken: first.refresh_token });
      expect(refreshed.expires_in).toBe(config.accessTokenTtlSeconds);
    });

    it("100 parallel refreshes of one token yield one successor, never two live chains", async () => {
      const tokens = service();
      const user = await newUser();
      const first = await pairFor(tokens, user.id);
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => tokens.refresh(native, { refreshToken: first.refresh_token })));
      const answered = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      // Within the grace window every loser is handed the winner's pair.
      expect(answered.length).toBe(100);
      expect(new Set(answered.map((result) => result.refresh_token)).size).toBe(1);
      const family = await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id }, include: { tokens: true } });
      expect(family.revokedAt).toBeNull();
      expect(family.tokens).toHaveLength(2);
      expect(family.tokens.filter((token) => token.retiredAt === null)).toHaveLength(1);
    });

    it("a refresh racing its family's revocation either fails or issues a token that is already denied", async () => {
      const tokens = service();
      for (let attempt = 0; attempt < 15; attempt += 1) {
        const user = await newUser();
        const pair = await pairFor(tokens, user.id);
        const family = await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id } });
        const [refreshed] = await Promise.allSettled([tokens.refresh(native, { refreshToken: pair.refresh_token }), tokens.revokeFamily(family.id, "revoked_by_user")]);
        if (refreshed.status === "fulfilled") expect(await verifyFailure(tokens.verifyAccessToken(refreshed.value.access_token))).toBe("revoked");
        else expect(await oauthError(Promise.reject(refreshed.reason))).toBe("invalid_grant");
        expect(await db.refreshToken.count({ where: { familyId: family.id, retiredAt: null } })).toBeLessThanOrEqual(1);
      }
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
      const tokens = service(undefined, { config: { ...config, refreshTokenTtlSeconds: 3600, familyMaxAgeSeconds: 5400 } });
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

    it("through the grant registry, as the token endpoint calls it: refresh_token and a narrower scope reach the rotation", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      const grant = findGrant("refresh_token")!;
      const rotated = await tokens.handleGrant(grant, native, grant.schema.parse({ grant_type: "refresh_token", refresh_token: pair.refresh_token, scope: "profile" }));
      expect(rotated.scope).toBe("profile");
      expect(rotated.refresh_token).not.toBe(pair.refresh_token);
      expect(await oauthError(tokens.handleGrant(grant, { ...native, grantTypes: ["authorization_code"] }, grant.schema.parse({ grant_type: "refresh_token", refresh_token: rotated.refresh_token })))).toBe("unauthorized_client");
    });

    it("an access token is refused as a refresh token, and the reverse", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      expect(await oauthError(tokens.refresh(native, { refreshToken: pair.access_token }))).toBe("invalid_grant");
      expect(await verifyFailure(tokens.verifyAccessToken(pair.refresh_token))).toBe("malformed");
    });
  });
});
