import type { TokenFamilyKind } from "@/generated/prisma/client";

import type { TokenContext } from "./token-context";

/**
 * One of the person's families with its chain of refresh tokens, oldest first (the playground shows
 * the rotations). Hashes stay in the database; only ids, times and states come out. Null if not theirs.
 */
export function describeFamily({ db }: TokenContext, userId: string, familyId: string) {
  return db.tokenFamily.findFirst({
    where: { id: familyId, userId },
    select: {
      id: true,
      kind: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      revokedReason: true,
      client: { select: { id: true, name: true } },
      tokens: {
        orderBy: { createdAt: "asc" },
        select: { id: true, createdAt: true, expiresAt: true, retiredAt: true, successorId: true, accessTokenJti: true, accessTokenExpiresAt: true },
      },
    },
  });
}

/** The person's live token families, newest first, for the Devices & access page. */
export function listFamilies({ db, now }: TokenContext, userId: string, filter: { kind?: TokenFamilyKind } = {}) {
  return db.tokenFamily.findMany({
    // Live: not revoked, within its absolute end, and holding a refresh token that can still be used.
    where: { userId, revokedAt: null, expiresAt: { gt: now() }, tokens: { some: { retiredAt: null, expiresAt: { gt: now() } } }, ...filter },
    orderBy: { createdAt: "desc" },
    select: { id: true, kind: true, name: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, sessionId: true, client: { select: { id: true, name: true } } },
  });
}
