import "server-only";

import type { PlaygroundFamily, PlaygroundTokenPair } from "@/lib/playground-types";
import type { Scope } from "@/lib/scopes";
import { getTokenService } from "@/server/services";

/** The playground's OAuth client: public (no secret), refresh_token grant only (seeded by a migration). */
export const PLAYGROUND_CLIENT_ID = "gatehouse-playground";
export const PLAYGROUND_SCOPES: readonly Scope[] = ["profile", "notes:read", "notes:write"];

/**
 * Starts a playground family for the person, bound to their browser session (signing out ends it).
 * A family the page started before is revoked first, so "start over" leaves one live family behind,
 * not one per click.
 */
export async function startPlaygroundFamily(input: { userId: string; sessionId: string; replacingFamilyId?: string }): Promise<{ family: PlaygroundFamily; tokens: PlaygroundTokenPair }> {
  const tokens = getTokenService();
  if (input.replacingFamilyId && (await describePlaygroundFamily(input.userId, input.replacingFamilyId))) {
    await tokens.revokeUserFamily(input.userId, input.replacingFamilyId);
  }
  const issued = await tokens.issueFamily({
    kind: "playground",
    clientId: PLAYGROUND_CLIENT_ID,
    userId: input.userId,
    scopes: [...PLAYGROUND_SCOPES],
    issuingSessionId: input.sessionId,
    boundToSession: true,
  });
  const family = await describePlaygroundFamily(input.userId, issued.familyId);
  if (!family) throw new Error("The family just issued could not be read back.");
  return { family, tokens: issued.response };
}

/**
 * One of the person's playground families with its chain, dates as ISO strings. Null when the id is
 * unknown, someone else's, or not a playground family (the page has no business describing those).
 */
export async function describePlaygroundFamily(userId: string, familyId: string): Promise<PlaygroundFamily | null> {
  const family = await getTokenService().describeFamily(userId, familyId);
  if (!family || family.kind !== "playground") return null;
  return {
    id: family.id,
    clientId: family.client.id,
    clientName: family.client.name,
    scopes: family.scopes,
    createdAt: family.createdAt.toISOString(),
    expiresAt: family.expiresAt.toISOString(),
    revokedAt: family.revokedAt?.toISOString() ?? null,
    revokedReason: family.revokedReason,
    tokens: family.tokens.map((token) => ({
      id: token.id,
      createdAt: token.createdAt.toISOString(),
      expiresAt: token.expiresAt.toISOString(),
      retiredAt: token.retiredAt?.toISOString() ?? null,
      successorId: token.successorId,
      accessTokenJti: token.accessTokenJti,
      accessTokenExpiresAt: token.accessTokenExpiresAt.toISOString(),
    })),
  };
}
