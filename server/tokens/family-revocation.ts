import type { TokenContext } from "./token-context";

/** What revoking families takes (no keys, no config): so the client CLI can revoke without signing anything. */
export type FamilyRevocationContext = Pick<TokenContext, "db" | "revocations" | "now" | "audit">;

export type RevocationReason =
  | "revoked_by_user"
  | "revoked_by_client"
  | "refresh_token_reuse"
  | "authorization_code_reuse"
  | "session_ended"
  | "sign_out_everywhere"
  | "client_revoked";

/**
 * Revokes a family: its refresh tokens stop working and its live access tokens are denied.
 * @returns false when it was already revoked (or does not exist); the audit entry is written only once.
 */
export async function revokeFamily({ db, revocations, now, audit }: FamilyRevocationContext, familyId: string, reason: RevocationReason, actorId: string | null = null): Promise<boolean> {
  const at = now();
  // One transaction: the family is marked and its access tokens denied together, or neither is. The
  // update locks the family row first, so a refresh in flight commits before the tokens are listed
  // (and its new access token is denied too) or finds the family revoked.
  const revoked = await db.$transaction(async (tx) => {
    const marked = await tx.tokenFamily.updateManyAndReturn({
      where: { id: familyId, revokedAt: null },
      data: { revokedAt: at, revokedReason: reason },
      select: { userId: true, clientId: true },
    });
    const live = await tx.refreshToken.findMany({
      where: { familyId, accessTokenExpiresAt: { gt: at } },
      select: { accessTokenJti: true, accessTokenExpiresAt: true },
    });
    await revocations.revokeAccessTokens(
      live.map((token) => ({ jti: token.accessTokenJti, expiresAt: token.accessTokenExpiresAt })),
      tx,
    );
    return marked[0];
  });
  if (revoked) audit({ event: "token_family_revoked", actorId, subjectId: revoked.userId, details: { familyId, reason, clientId: revoked.clientId } });
  return revoked !== undefined;
}

async function revokeFamiliesWhere(context: FamilyRevocationContext, where: { userId?: string; sessionId?: string; clientId?: string }, reason: RevocationReason, actorId: string | null) {
  const families = await context.db.tokenFamily.findMany({ where: { ...where, revokedAt: null }, select: { id: true } });
  for (const family of families) await revokeFamily(context, family.id, reason, actorId);
  return families.length;
}

/** Revokes the families bound to a browser session (the session itself is ended by the session service). */
export function revokeFamiliesOfSession(context: TokenContext, sessionId: string, actorId: string | null = null): Promise<number> {
  return revokeFamiliesWhere(context, { sessionId }, "session_ended", actorId);
}

/**
 * "Sign out everywhere" for tokens: every family is revoked and every access token issued until now
 * refused (the per-user epoch), whether or not its jti was known; unused codes (authorization and
 * approved device codes) go too.
 * @returns how many families were revoked.
 */
export async function revokeAllForUser(context: TokenContext, userId: string, actorId: string | null = userId): Promise<number> {
  await context.revocations.setTokensValidAfter(userId, context.now());
  await context.db.authorizationCode.deleteMany({ where: { userId, usedAt: null } });
  // A device approved but not yet polled would start a family after the sweep below. Its claim holds
  // the row until it commits, so this waits for one in flight, whose family the sweep then finds.
  await context.db.deviceCode.updateMany({ where: { userId, status: "approved" }, data: { status: "denied" } });
  return revokeFamiliesWhere(context, { userId }, "sign_out_everywhere", actorId);
}

/** Revokes one family of this user (the Devices & access and tokens pages); false if not theirs or already revoked. */
export async function revokeUserFamily(context: TokenContext, userId: string, familyId: string): Promise<boolean> {
  const family = await context.db.tokenFamily.findFirst({ where: { id: familyId, userId }, select: { id: true } });
  return family ? revokeFamily(context, family.id, "revoked_by_user", userId) : false;
}

/**
 * A client revoked: every family issued to it is revoked (its people's refresh and access tokens die)
 * and its unused authorization codes are deleted. Its own client-credentials tokens are refused by
 * verification once the client row says it is disabled (access-token-verification.ts).
 * @returns how many families were revoked.
 */
export async function revokeAllForClient(context: FamilyRevocationContext, clientId: string, actorId: string | null = null): Promise<number> {
  await context.db.authorizationCode.deleteMany({ where: { clientId, usedAt: null } });
  return revokeFamiliesWhere(context, { clientId }, "client_revoked", actorId);
}
