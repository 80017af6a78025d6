import type { PrismaClient, TokenFamilyKind } from "@/generated/prisma/client";
import type { TokenPair } from "@/lib/token-response";

import { refreshExpiry, tokenResponse, type MintedAccessToken } from "./mint";
import { generateOpaqueToken, hashOpaqueToken } from "./opaque-token";
import type { TokenContext } from "./token-context";

export interface NewFamily {
  kind: TokenFamilyKind;
  clientId: string;
  userId: string;
  scopes: string[];
  name?: string;
  sessionId?: string;
}

/**
 * Writes a family's first refresh token beside its access token, inside the caller's transaction. The
 * access token is minted *before* the transaction opens: minting may reload the signing keys through
 * the shared client, and a query outside a transaction that waits for a connection while the
 * transaction holds one deadlocks on a pool of one (the embedded database serves one transaction at a
 * time). Nothing here touches anything but `tx`.
 */
export async function startFamily(
  context: TokenContext,
  tx: Pick<PrismaClient, "tokenFamily">,
  family: NewFamily,
  access: MintedAccessToken,
): Promise<{ familyId: string; response: TokenPair }> {
  const { config, now } = context;
  const refreshToken = generateOpaqueToken("refreshToken");
  const familyExpiresAt = new Date(now().getTime() + config.familyMaxAgeSeconds * 1000);
  const created = await tx.tokenFamily.create({
    data: {
      ...family,
      expiresAt: familyExpiresAt,
      lastUsedAt: now(),
      createdAt: now(),
      tokens: {
        create: {
          tokenHash: hashOpaqueToken(refreshToken),
          expiresAt: refreshExpiry(context, familyExpiresAt),
          accessTokenJti: access.jti,
          accessTokenExpiresAt: access.expiresAt,
          createdAt: now(),
        },
      },
    },
    select: { id: true },
  });
  return { familyId: created.id, response: tokenResponse(context, access.token, access.exp, refreshToken, access.scope, access.iat) };
}
