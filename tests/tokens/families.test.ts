import { beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { OAuthClient } from "@/server/tokens/clients";
import { DEFAULT_LIFETIMES } from "@/server/sessions/session-policy";
import { oauthError, useTokenServiceHarness, verifyFailure } from "./token-service-harness";

/* Token families (issue-family.ts, family-queries.ts, family-revocation.ts): personal and playground pairs. */

describe("token service", () => {
  const harness = useTokenServiceHarness("families");
  const { service, newUser, now } = harness;
  let db: PrismaClient;
  let playground: OAuthClient;
  beforeAll(() => {
    ({ db, playground } = harness.state);
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

    it("a family bound to a session that ended on its own (idle, no revocation) refreshes no more", async () => {
      const tokens = service();
      const user = await newUser();
      const issued = await tokens.issueFamily({ kind: "playground", clientId: "gatehouse-playground", userId: user.id, scopes: ["profile"], issuingSessionId: user.sessionId, boundToSession: true });
      const refreshed = await tokens.refresh(playground, { refreshToken: issued.response.refresh_token });
      // Unused for longer than the default idle timeout (24 hours): the row is still there.
      await db.session.update({ where: { id: user.sessionId }, data: { lastUsedAt: new Date(now().getTime() - DEFAULT_LIFETIMES.idleTimeoutMs - 1000) } });
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
