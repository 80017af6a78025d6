import { beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import type { OAuthClient } from "@/server/tokens/clients";
import { OAuthError } from "@/server/tokens/errors";
import { findGrant } from "@/server/tokens/grants";
import { createRevocationList } from "@/server/tokens/revocation-list";
import { useTokenServiceHarness } from "./token-service-harness";
import { testKeys } from "./token-fixtures";

/* Token introspection (introspection.ts, RFC 7662), asked by a resource server. */

describe("token service", () => {
  const harness = useTokenServiceHarness("introspection");
  const { now, service, newUser, pairFor } = harness;
  let db: PrismaClient;
  let sql: Sql;
  let native: OAuthClient;
  /** A resource server: the only kind of client that may introspect (RFC 7662 §2.1, §4). */
  let resourceServer: OAuthClient;
  /** Another server-side client, which holds a secret but is no resource server (a service with its own tokens). */
  let webApp: OAuthClient;
  beforeAll(async () => {
    ({ db, sql, native } = harness.state);
    const confidential = { type: "confidential" as const, redirectUris: [], grantTypes: [], scopes: [] };
    resourceServer = await db.client.create({ data: { ...confidential, id: "resource-server", name: "Resource server", mayIntrospect: true }, omit: { secretHash: true } });
    webApp = await db.client.create({ data: { ...confidential, id: "web-app", name: "Web app", grantTypes: ["client_credentials"], scopes: ["profile"] }, omit: { secretHash: true } });
  });

  describe("introspection (RFC 7662)", () => {
    it("describes a live access or refresh token, and says only active:false for a dead one", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      expect(await tokens.introspect(resourceServer, pair.access_token)).toMatchObject({ active: true, sub: user.id, client_id: native.id, scope: "profile notes:read" });
      expect(await tokens.introspect(resourceServer, pair.refresh_token)).toMatchObject({ active: true, sub: user.id, token_type: "refresh_token" });
      await tokens.revokeToken(native, pair.refresh_token);
      expect(await tokens.introspect(resourceServer, pair.access_token)).toEqual({ active: false });
      expect(await tokens.introspect(resourceServer, pair.refresh_token)).toEqual({ active: false });
      expect(await tokens.introspect(resourceServer, "garbage")).toEqual({ active: false });
      const stranger = await testKeys("stranger");
      const foreign = service(createRevocationList({ db, sql, maxTokenLifetimeMs: 1, now }), { keys: stranger.store });
      expect(await tokens.introspect(resourceServer, (await foreign.issueFamily({ kind: "personal", clientId: "gatehouse-personal", userId: user.id, scopes: ["profile"], issuingSessionId: user.sessionId })).response.access_token)).toEqual({
        active: false,
      });
    });

    it("answers invalid_client (401) to a public client, even one marked mayIntrospect, before looking at the token", async () => {
      const tokens = service();
      const user = await newUser();
      const pair = await pairFor(tokens, user.id);
      // A public client proves nothing: anyone can send its id.
      for (const caller of [native, { ...native, mayIntrospect: true }]) {
        for (const token of [pair.access_token, pair.refresh_token, "garbage"]) {
          const refusal = await tokens.introspect(caller, token).then(
            () => "answered",
            (error: unknown) => error,
          );
          expect(refusal).toBeInstanceOf(OAuthError);
          expect(refusal).toMatchObject({ code: "invalid_client", status: 401 });
        }
      }
    });

    it("tells a confidential client without the permission about its own tokens only: another client's are active:false", async () => {
      const tokens = service();
      const user = await newUser();
      const othersPair = await pairFor(tokens, user.id);
      const own = await tokens.handleGrant(findGrant("client_credentials")!, webApp, { grant_type: "client_credentials" });
      expect(await tokens.introspect(webApp, own.access_token)).toMatchObject({ active: true, sub: webApp.id, client_id: webApp.id, gty: "client_credentials" });
      expect(await tokens.introspect(webApp, othersPair.access_token)).toEqual({ active: false });
      expect(await tokens.introspect(webApp, othersPair.refresh_token)).toEqual({ active: false });
      // The resource server sees both.
      expect(await tokens.introspect(resourceServer, own.access_token)).toMatchObject({ active: true, client_id: webApp.id });
      expect(await tokens.introspect(resourceServer, othersPair.refresh_token)).toMatchObject({ active: true });
    });
  });
});
