import { describe, expect, it } from "vitest";

import { pruneExpired } from "@/server/maintenance/prune-expired";
import { DEFAULT_LIFETIMES } from "@/server/sessions/session-policy";
import { useTestDatabase } from "../support/test-database";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe("pruneExpired", () => {
  const database = useTestDatabase("prune");

  it("removes what can no longer be used and keeps everything live", async () => {
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const later = (ms: number) => new Date(now.getTime() + ms);
    const user = await database.db.user.create({ data: { name: "Pruned" } });
    const session = (id: string, expiresAt: Date, lastUsedAt: Date) => ({ id, tokenHash: `hash-${id}`, userId: user.id, expiresAt, lastUsedAt });
    await database.db.session.createMany({
      data: [session("live", later(DAY), ago(HOUR)), session("past-end", ago(1), ago(HOUR)), session("idle", later(10 * DAY), ago(25 * HOUR))],
    });
    const code = (codeHash: string, expiresAt: Date) => ({ codeHash, clientId: "gatehouse-example-native", userId: user.id, redirectUri: "x", scopes: [], codeChallenge: "c", expiresAt });
    await database.db.authorizationCode.createMany({ data: [code("fresh", later(60_000)), code("stale", ago(1))] });
    const deviceCode = (id: string, expiresAt: Date) => ({ id, deviceCodeHash: `d-${id}`, userCodeHash: `u-${id}`, clientId: "gatehouse-example-native", scopes: [], interval: 5, expiresAt });
    await database.db.deviceCode.createMany({ data: [deviceCode("waiting", later(60_000)), deviceCode("lapsed", ago(1))] });
    const family = (id: string, extra: { expiresAt: Date; revokedAt?: Date }) => ({ id, kind: "personal" as const, clientId: "gatehouse-personal", userId: user.id, scopes: [], ...extra });
    await database.db.tokenFamily.createMany({
      data: [
        family("live", { expiresAt: later(DAY) }),
        family("recently-revoked", { expiresAt: later(DAY), revokedAt: ago(HOUR) }),
        family("long-revoked", { expiresAt: later(DAY), revokedAt: ago(2 * DAY) }),
        family("expired", { expiresAt: ago(1) }),
        { ...family("bound-to-idle-session", { expiresAt: later(DAY) }), sessionId: "idle" },
        { ...family("bound-to-live-session", { expiresAt: later(DAY) }), sessionId: "live" },
      ],
    });
    await database.db.refreshToken.create({ data: { tokenHash: "rt-expired", familyId: "expired", expiresAt: ago(1), accessTokenJti: "j", accessTokenExpiresAt: ago(1) } });
    await database.db.revokedAccessToken.createMany({ data: [{ jti: "still-denied", expiresAt: later(60_000) }, { jti: "expired-anyway", expiresAt: ago(1) }] });

    expect(await pruneExpired(database.db, DEFAULT_LIFETIMES, now)).toEqual({ sessions: 2, authorizationCodes: 1, deviceCodes: 1, tokenFamilies: 2, revokedAccessTokens: 1 });
    expect((await database.db.session.findMany()).map((row) => row.id)).toEqual(["live"]);
    expect((await database.db.authorizationCode.findMany()).map((row) => row.codeHash)).toEqual(["fresh"]);
    expect((await database.db.deviceCode.findMany()).map((row) => row.id)).toEqual(["waiting"]);
    expect((await database.db.tokenFamily.findMany({ orderBy: { id: "asc" } })).map((row) => row.id)).toEqual(["bound-to-idle-session", "bound-to-live-session", "live", "recently-revoked"]);
    expect(await database.db.tokenFamily.findUniqueOrThrow({ where: { id: "bound-to-idle-session" } })).toMatchObject({ revokedReason: "session_ended" });
    expect(await database.db.tokenFamily.findUniqueOrThrow({ where: { id: "bound-to-live-session" } })).toMatchObject({ revokedAt: null });
    expect(await database.db.refreshToken.count({ where: { tokenHash: "rt-expired" } })).toBe(0);
    expect((await database.db.revokedAccessToken.findMany()).map((row) => row.jti)).toEqual(["still-denied"]);
  });
});
