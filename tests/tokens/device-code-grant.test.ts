import { beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import { DEVICE_CODE_GRANT_TYPE } from "@/lib/grant-types";
import type { OAuthClient } from "@/server/tokens/clients";
import { formatUserCode, normalizeUserCode, USER_CODE_ALPHABET } from "@/server/tokens/device-authorization";
import { findGrant } from "@/server/tokens/grants";
import { oauthError, useTokenServiceHarness } from "./token-service-harness";

/* The device authorization grant (RFC 8628): device-authorization.ts and grants/device-code.ts, against the real PostgreSQL. */

describe("token service", () => {
  const harness = useTokenServiceHarness("device_code");
  const { service, newUser, advance } = harness;
  const grant = findGrant(DEVICE_CODE_GRANT_TYPE)!;
  let db: PrismaClient;
  let cli: OAuthClient;
  let native: OAuthClient;
  beforeAll(async () => {
    ({ db, native } = harness.state);
    cli = await db.client.findUniqueOrThrow({ where: { id: "gatehouse-cli" }, omit: { secretHash: true, previousSecretHash: true, previousSecretExpiresAt: true } });
  });
  /** A person's decision on /device: the request their code names, as the page shows it. */
  const decide = async (tokens: ReturnType<typeof service>, userCode: string, userId: string, approve: boolean) => {
    const pending = await tokens.findPendingDeviceCode(userCode);
    return tokens.decideDeviceCode({ deviceCodeId: pending?.id ?? "none", userCode, userId, approve });
  };
  const poll = (tokens: ReturnType<typeof service>, client: OAuthClient, deviceCode: string) =>
    tokens.handleGrant(grant, client, grant.schema.parse({ grant_type: DEVICE_CODE_GRANT_TYPE, device_code: deviceCode }));

  describe("user codes", () => {
    it("are typed in any case, with or without the dash or spaces; anything else is no code", () => {
      expect(normalizeUserCode("bcdf-ghjk")).toBe("BCDFGHJK");
      expect(normalizeUserCode(" BCDF GHJK ")).toBe("BCDFGHJK");
      expect(normalizeUserCode("BCDFGHJK")).toBe("BCDFGHJK");
      for (const typed of ["BCDF-GHJ0", "BCDF-GHJA", "BCDF-GHJ", "BCDF-GHJKL", "", "x".repeat(100), "BCDF_GHJK"]) expect(normalizeUserCode(typed), typed).toBeNull();
      expect(formatUserCode("BCDFGHJK")).toBe("BCDF-GHJK");
      expect(USER_CODE_ALPHABET).not.toMatch(/[AEIOU01]/);
    });
  });

  describe("device authorization grant (RFC 8628)", () => {
    it("gives a registered client a device code and an 8-letter user code; others are refused", async () => {
      const tokens = service();
      const started = await tokens.startDeviceAuthorization(cli, {});
      expect(started.deviceCode).toMatch(/^ghd_[A-Za-z0-9_-]{43}$/);
      expect(started.userCode).toMatch(new RegExp(`^[${USER_CODE_ALPHABET}]{8}$`));
      expect(started).toMatchObject({ expiresIn: 600, interval: 5 });
      const row = await db.deviceCode.findFirstOrThrow({ where: { clientId: cli.id }, orderBy: { createdAt: "desc" } });
      expect(row.scopes).toEqual(cli.scopes);
      expect(JSON.stringify(row)).not.toContain(started.deviceCode);
      expect(JSON.stringify(row)).not.toContain(started.userCode);
      expect(await oauthError(tokens.startDeviceAuthorization(native, {}))).toBe("unauthorized_client");
      expect(await oauthError(tokens.startDeviceAuthorization({ ...cli, scopes: ["profile"] }, { scopes: ["notes:write"] }))).toBe("invalid_scope");
    });

    it("polling: authorization_pending, slow_down (the interval grows by 5 s each time), then the tokens once", async () => {
      const tokens = service();
      const user = await newUser();
      const { deviceCode, userCode } = await tokens.startDeviceAuthorization(cli, { scopes: ["profile"] });
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("authorization_pending");
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("slow_down");
      advance(6_000); // past the first 5 s, not the new 10 s
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("slow_down");
      advance(16_000); // now 15 s
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("authorization_pending");
      expect((await db.deviceCode.findFirstOrThrow({ where: { deviceCodeHash: { not: "" }, clientId: cli.id }, orderBy: { createdAt: "desc" } })).interval).toBe(15);

      expect(await tokens.findPendingDeviceCode(userCode)).toMatchObject({ client: { id: cli.id, name: "Gatehouse CLI", verified: true }, scopes: ["profile"] });
      expect(await decide(tokens, userCode, user.id, true)).toBe(true);
      const pair = await poll(tokens, cli, deviceCode);
      expect(pair.refresh_token).toMatch(/^ghr_/);
      await expect(tokens.verifyAccessToken(pair.access_token)).resolves.toMatchObject({ userId: user.id, clientId: cli.id, scopes: ["profile"] });
      expect((await db.tokenFamily.findFirstOrThrow({ where: { userId: user.id } })).kind).toBe("device_code");
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("invalid_grant");
      // And the pair refreshes like any other (the CLI's `token`).
      expect((await tokens.refresh(cli, { refreshToken: pair.refresh_token! })).refresh_token).toMatch(/^ghr_/);
    });

    it("a decision names the request that was shown: another request's id with this code decides nothing", async () => {
      const tokens = service();
      const user = await newUser();
      const { userCode } = await tokens.startDeviceAuthorization(cli, {});
      const other = await tokens.startDeviceAuthorization(cli, {});
      const otherId = (await tokens.findPendingDeviceCode(other.userCode))!.id;
      expect(await tokens.decideDeviceCode({ deviceCodeId: otherId, userCode, userId: user.id, approve: true })).toBe(false);
      expect(await tokens.findPendingDeviceCode(userCode)).not.toBeNull();
      expect(await tokens.findPendingDeviceCode(other.userCode)).not.toBeNull();
    });

    it("denied is access_denied; a decided code cannot be decided again, by anyone", async () => {
      const tokens = service();
      const [person, other] = [await newUser(), await newUser()];
      const { deviceCode, userCode } = await tokens.startDeviceAuthorization(cli, {});
      expect(await decide(tokens, userCode, person.id, false)).toBe(true);
      expect(await decide(tokens, userCode, other.id, true)).toBe(false);
      expect(await tokens.findPendingDeviceCode(userCode)).toBeNull();
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("access_denied");
      expect(await db.tokenFamily.count({ where: { userId: { in: [person.id, other.id] } } })).toBe(0);
    });

    it("an expired code is expired_token and can no longer be approved", async () => {
      const tokens = service();
      const user = await newUser();
      const { deviceCode, userCode } = await tokens.startDeviceAuthorization(cli, {});
      advance(601_000);
      expect(await decide(tokens, userCode, user.id, true)).toBe(false);
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("expired_token");
    });

    it("is bound to its client: another client polling with it learns nothing", async () => {
      const tokens = service();
      const user = await newUser();
      const { deviceCode, userCode } = await tokens.startDeviceAuthorization(cli, {});
      await decide(tokens, userCode, user.id, true);
      const impostor = { ...cli, id: "gatehouse-playground" };
      expect(await oauthError(poll(tokens, impostor, deviceCode))).toBe("invalid_grant");
      expect((await poll(tokens, cli, deviceCode)).token_type).toBe("Bearer");
    });

    it("an approver who signs out everywhere before the device's next poll: nothing is issued", async () => {
      const tokens = service();
      const user = await newUser();
      const { deviceCode, userCode } = await tokens.startDeviceAuthorization(cli, {});
      await decide(tokens, userCode, user.id, true);
      // In the same second as the approval: the "valid after" time, in whole seconds, cannot tell them apart.
      await tokens.revokeAllForUser(user.id);
      expect(await oauthError(poll(tokens, cli, deviceCode))).toBe("access_denied");
      expect(await db.tokenFamily.count({ where: { userId: user.id } })).toBe(0);
    });

    it("two polls at once after approval: one pair at most", async () => {
      const tokens = service();
      const user = await newUser();
      const { deviceCode, userCode } = await tokens.startDeviceAuthorization(cli, {});
      await decide(tokens, userCode, user.id, true);
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => poll(tokens, cli, deviceCode)));
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      expect(await db.tokenFamily.count({ where: { userId: user.id } })).toBe(1);
    });
  });
});
