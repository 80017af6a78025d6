import { beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import { DEFAULT_LIFETIMES } from "@/server/sessions/session-policy";
import type { OAuthClient } from "@/server/tokens/clients";
import { OAuthError } from "@/server/tokens/errors";
import { hashOpaqueToken } from "@/server/tokens/opaque-token";
import { findGrant } from "@/server/tokens/grants";
import { withCodeReadBarrier } from "./code-read-barrier";
import { oauthError, REDIRECT, useTokenServiceHarness, verifyFailure } from "./token-service-harness";
import { pkcePair } from "./token-fixtures";

/* The authorization_code grant (grants/authorization-code.ts) against the real PostgreSQL and Redis. */

describe("token service", () => {
  const harness = useTokenServiceHarness("authorization_code");
  const { audited, advance, now, service, newUser, codeFor, pairFor } = harness;
  let db: PrismaClient;
  let sql: Sql;
  let native: OAuthClient;
  let other: OAuthClient;
  beforeAll(() => {
    ({ db, sql, native, other } = harness.state);
  });

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
      // Both exchanges read the code, unused, before either claims it: only the claim can stop the second.
      const overlapping = withCodeReadBarrier(sql, 2);
      const tokens = service(undefined, { sql: overlapping.sql });
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      const results = await Promise.allSettled([0, 1].map(() => tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier })));
      expect(overlapping.arrivals()).toBeGreaterThanOrEqual(2);
      const won = results.filter((result) => result.status === "fulfilled");
      expect(won.length).toBeLessThanOrEqual(1);
      for (const result of results) if (result.status === "rejected") expect(result.reason).toBeInstanceOf(OAuthError);
      const families = await db.tokenFamily.findMany({ where: { userId: user.id } });
      // Exactly one exchange claimed the code (so the check below is not vacuous), and its pair is dead.
      expect(families).toHaveLength(1);
      expect(families.every((family) => family.revokedAt !== null)).toBe(true);
    });

    it("through the grant registry, as the token endpoint calls it: the form's names reach the exchange", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      const grant = findGrant("authorization_code")!;
      const form = { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: native.id };
      const pair = await tokens.handleGrant(grant, native, grant.schema.parse(form));
      await expect(tokens.verifyAccessToken(pair.access_token)).resolves.toMatchObject({ userId: user.id, clientId: native.id });
      // A client not registered for the grant is refused before the code is looked at.
      const second = await codeFor(tokens, user.id);
      const webOnly = { ...native, grantTypes: ["refresh_token"] };
      expect(await oauthError(tokens.handleGrant(grant, webOnly, grant.schema.parse({ ...form, code: second.code, code_verifier: second.verifier })))).toBe("unauthorized_client");
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code: second.code, redirectUri: REDIRECT, codeVerifier: second.verifier }))).toBe("succeeded");
    });

    it("a code whose issuing browser session has signed out is refused with invalid_grant", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      await db.session.delete({ where: { id: user.sessionId } });
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("invalid_grant");
      expect(await db.tokenFamily.count({ where: { userId: user.id } })).toBe(0);
    });

    it("a session signed out between the code's read and its claim: nothing is written", async () => {
      // "Sign out everywhere" deletes the sessions, then sweeps the families: a family written after
      // its sweep would outlive the sign-out. The claim itself must see the session gone.
      const user = await newUser();
      const signingOutAfterRead: Sql = {
        async query<Row>(text: string, values?: readonly unknown[]) {
          const rows = await sql.query<Row>(text, values);
          if (text.includes('FROM "AuthorizationCode" c')) await db.session.deleteMany({ where: { id: user.sessionId } });
          return rows;
        },
      };
      const tokens = service(undefined, { sql: signingOutAfterRead });
      const { code, verifier } = await codeFor(tokens, user.id);
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }))).toBe("invalid_grant");
      expect(await db.tokenFamily.count({ where: { userId: user.id } })).toBe(0);
      expect((await db.authorizationCode.findUniqueOrThrow({ where: { codeHash: hashOpaqueToken(code) } })).usedAt).toBeNull();
    });

    it("a sign-out whose delete is in flight when the claim runs: the claim waits for it, then writes nothing", async () => {
      const tokens = service();
      const user = await newUser();
      const { code, verifier } = await codeFor(tokens, user.id);
      let exchange!: Promise<string>;
      await db.$transaction(async (tx) => {
        await tx.session.delete({ where: { id: user.sessionId } });
        // Started before the delete commits: its lookup still sees the session.
        exchange = oauthError(tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: verifier }));
        // Without the lock on the session row, the exchange would finish here, writing a family the sweep after this delete never sees.
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      expect(await exchange).toBe("invalid_grant");
      expect(await db.tokenFamily.count({ where: { userId: user.id } })).toBe(0);
    });

    it("a code whose issuing browser session has expired is refused with invalid_grant", async () => {
      const tokens = service();
      const user = await newUser();
      const first = await codeFor(tokens, user.id);
      expect((await tokens.exchangeAuthorizationCode(native, { code: first.code, redirectUri: REDIRECT, codeVerifier: first.verifier })).token_type).toBe("Bearer");
      const second = await codeFor(tokens, user.id);
      // Unused for longer than the default idle timeout (24 hours): the row is still there.
      await db.session.update({ where: { id: user.sessionId }, data: { lastUsedAt: new Date(now().getTime() - DEFAULT_LIFETIMES.idleTimeoutMs - 1000) } });
      expect(await oauthError(tokens.exchangeAuthorizationCode(native, { code: second.code, redirectUri: REDIRECT, codeVerifier: second.verifier }))).toBe("invalid_grant");
    });
  });
});
