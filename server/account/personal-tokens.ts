import "server-only";

import { PERSONAL_TOKEN_CLIENT_ID, PERSONAL_TOKEN_LIMIT, type PersonalTokenCreateInput, type PersonalTokenSummary } from "@/lib/personal-token-schema";
import { getTokenConfig, getTokenService } from "@/server/services";

/**
 * Personal API tokens (/account/tokens): named, scoped token pairs a person makes for their scripts.
 * The rules live here, not in the page or its actions: at most PERSONAL_TOKEN_LIMIT live pairs, and a
 * pair's idle end.
 */

/**
 * The person's live personal tokens, newest first, with when each lapses if it is never refreshed, and
 * whether they may make another.
 */
export async function listPersonalTokens(userId: string): Promise<{ tokens: PersonalTokenSummary[]; atLimit: boolean }> {
  const { refreshTokenTtlSeconds } = getTokenConfig();
  const families = await getTokenService().listFamilies(userId, { kind: "personal" });
  const tokens = families.map((family) => ({
    id: family.id,
    name: family.name,
    scopes: family.scopes,
    createdAt: family.createdAt,
    lastUsedAt: family.lastUsedAt,
    expiresAt: family.expiresAt,
    // lastUsedAt moves with every refresh, and each refresh token lives refreshTokenTtlSeconds from then.
    idleExpiresAt: new Date(Math.min(family.lastUsedAt.getTime() + refreshTokenTtlSeconds * 1000, family.expiresAt.getTime())),
  }));
  return { tokens, atLimit: tokens.length >= PERSONAL_TOKEN_LIMIT };
}

export type PersonalTokenCreation =
  | { outcome: "created"; name: string; accessToken: string; refreshToken: string; expiresIn: number; scope: string }
  | { outcome: "limit_reached"; limit: number };

/**
 * Makes a personal token pair, unless the person already holds PERSONAL_TOKEN_LIMIT live ones. The
 * secrets are returned once, to be shown once; the database keeps their hashes. The token service
 * records `tokens_issued` itself.
 */
export async function createPersonalToken(session: { userId: string; sessionId: string }, input: PersonalTokenCreateInput): Promise<PersonalTokenCreation> {
  const tokens = getTokenService();
  // Counted before issuing, not in one transaction: two simultaneous creates may end one over the limit,
  // which costs nothing; the limit is there to stop minting without end.
  const live = await tokens.listFamilies(session.userId, { kind: "personal" });
  if (live.length >= PERSONAL_TOKEN_LIMIT) return { outcome: "limit_reached", limit: PERSONAL_TOKEN_LIMIT };
  const { response } = await tokens.issueFamily({
    kind: "personal",
    clientId: PERSONAL_TOKEN_CLIENT_ID,
    userId: session.userId,
    scopes: input.scopes,
    name: input.name,
    issuingSessionId: session.sessionId,
  });
  return { outcome: "created", name: input.name, accessToken: response.access_token, refreshToken: response.refresh_token, expiresIn: response.expires_in, scope: response.scope };
}

/** Revokes one of the person's personal tokens (its live access token too); another person's id does nothing. */
export function revokePersonalToken(userId: string, familyId: string): Promise<boolean> {
  return getTokenService().revokeUserFamily(userId, familyId);
}
