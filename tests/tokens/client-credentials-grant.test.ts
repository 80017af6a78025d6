import { beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import { signAccessToken } from "@/server/tokens/access-token";
import { cachedClientLookup } from "@/server/tokens/client-cache";
import { clientsIn, type OAuthClient } from "@/server/tokens/clients";
import { findGrant } from "@/server/tokens/grants";
import { config, oauthError, useTokenServiceHarness, verifyFailure } from "./token-service-harness";

/* The client_credentials grant (grants/client-credentials.ts) against the real PostgreSQL and Redis. */

describe("token service", () => {
  const harness = useTokenServiceHarness("client_credentials");
  const { service, newUser, pairFor } = harness;
  const grant = findGrant("client_credentials")!;
  let db: PrismaClient;
  let sql: Sql;
  let billing: OAuthClient;
  let native: OAuthClient;
  beforeAll(async () => {
    ({ db, sql, native } = harness.state);
    billing = await db.client.create({
      data: { id: "billing", name: "Billing service", type: "confidential", redirectUris: [], grantTypes: ["client_credentials"], scopes: ["notes:read", "notes:write"] },
      omit: { secretHash: true, previousSecretHash: true, previousSecretExpiresAt: true },
    });
  });
  const issue = (tokens: ReturnType<typeof service>, client: OAuthClient, form: Record<string, string> = {}) =>
    tokens.handleGrant(grant, client, grant.schema.parse({ grant_type: "client_credentials", ...form }));

  describe("client credentials grant (RFC 6749 §4.4)", () => {
    it("issues the client its own token: sub and client_id are the client, gty says so, no refresh token", async () => {
      const tokens = service();
      const answer = await issue(tokens, billing);
      expect(Object.keys(answer).sort()).toEqual(["access_token", "expires_in", "scope", "token_type"]);
      expect(answer).toMatchObject({ token_type: "Bearer", expires_in: config.accessTokenTtlSeconds, scope: "notes:read notes:write" });
      const payload = JSON.parse(Buffer.from(answer.access_token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
      expect(payload).toMatchObject({ sub: "billing", client_id: "billing", gty: "client_credentials", scope: "notes:read notes:write" });
      await expect(tokens.verifyAccessToken(answer.access_token)).resolves.toMatchObject({ userId: null, clientId: "billing", scopes: ["notes:read", "notes:write"] });
    });

    it("grants a subset of the client's scopes, and refuses any other with invalid_scope", async () => {
      const tokens = service();
      expect((await issue(tokens, billing, { scope: "notes:read" })).scope).toBe("notes:read");
      expect(await oauthError(issue(tokens, billing, { scope: "notes:read profile" }))).toBe("invalid_scope");
    });

    it("is refused to a public client and to a client not registered for it (unauthorized_client)", async () => {
      const tokens = service();
      expect(await oauthError(issue(tokens, { ...billing, type: "public" }))).toBe("unauthorized_client");
      expect(await oauthError(issue(tokens, native))).toBe("unauthorized_client");
    });

    it("writes nothing to the database", async () => {
      const tokens = service();
      const counts = () => Promise.all([db.tokenFamily.count(), db.refreshToken.count(), db.auditEvent.count(), db.revokedAccessToken.count()]);
      const before = await counts();
      await Promise.all(Array.from({ length: 20 }, () => issue(tokens, billing)));
      expect(await counts()).toEqual(before);
    });

    it("a token claiming to be a client's whose sub is someone else is refused, signed by our own key", async () => {
      const tokens = service();
      const user = await newUser();
      const { keys } = harness.state;
      const base = { iss: config.issuer, aud: config.audience, client_id: "billing", scope: "notes:read", jti: "forged-1", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 };
      const forged = signAccessToken({ kid: keys.kid, privateKey: keys.privateKey }, { ...base, sub: user.id, gty: "client_credentials" });
      expect(await verifyFailure(tokens.verifyAccessToken(forged))).toBe("malformed");
      // And a person's token (no gty) whose sub happens to equal its client_id still acts for that person.
      const personLike = signAccessToken({ kid: keys.kid, privateKey: keys.privateKey }, { ...base, jti: "person-1", sub: "billing" });
      await expect(tokens.verifyAccessToken(personLike)).resolves.toMatchObject({ userId: "billing" });
    });

    it("a revoked client's tokens are refused within the cache's second, by people and for itself", async () => {
      let clock = 0;
      const clients = cachedClientLookup(clientsIn(sql), { now: () => clock });
      const tokens = service(undefined, { clients });
      const doomed = await db.client.create({
        data: { id: "doomed", name: "Doomed", type: "confidential", redirectUris: [], grantTypes: ["client_credentials"], scopes: ["profile"] },
        omit: { secretHash: true, previousSecretHash: true, previousSecretExpiresAt: true },
      });
      const own = await issue(tokens, doomed);
      await expect(tokens.verifyAccessToken(own.access_token)).resolves.toMatchObject({ clientId: "doomed" });
      // A person's token issued to the native app keeps working: only the revoked client's tokens die.
      const user = await newUser();
      const persons = await pairFor(tokens, user.id);
      await db.client.update({ where: { id: "doomed" }, data: { disabledAt: new Date() } });
      clock = 1000;
      expect(await verifyFailure(tokens.verifyAccessToken(own.access_token))).toBe("revoked");
      await expect(tokens.verifyAccessToken(persons.access_token)).resolves.toMatchObject({ userId: user.id });
    });
  });
});
