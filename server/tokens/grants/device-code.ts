import { z } from "zod";

import type { TokenPair } from "@/lib/token-response";
import { DEVICE_CODE_GRANT_TYPE } from "@/lib/grant-types";

import type { OAuthClient } from "../clients";
import { OAuthError } from "../errors";
import { mintAccessToken } from "../mint";
import { hashOpaqueToken, isOpaqueToken } from "../opaque-token";
import { startFamily } from "../start-family";
import type { TokenContext } from "../token-context";
import { assertClientMayUse, defineGrant, invalidGrant } from "./grant";
import { requiredParameter } from "./required-parameter";

/** The device_code grant's parameters (RFC 8628 §3.4). */
export const deviceCodeGrantSchema = z.object({
  grant_type: z.literal(DEVICE_CODE_GRANT_TYPE),
  device_code: requiredParameter(4096),
});

export const deviceCodeGrant = defineGrant({
  grantType: DEVICE_CODE_GRANT_TYPE,
  schema: deviceCodeGrantSchema,
  handle: (context, client, params) => exchangeDeviceCode(context, client, { deviceCode: params.device_code }),
});

/** RFC 8628 §3.5: how much slower a device that polls too fast must poll from now on. */
const SLOW_DOWN_SECONDS = 5;

/**
 * The device polling the token endpoint (RFC 8628 §3.4, §3.5). It hears `authorization_pending` until a
 * person decides on /device, `slow_down` (and a 5 s longer interval) when it polls faster than its
 * interval, `access_denied` or `expired_token`, and the tokens exactly once: a code is bound to the client
 * that asked for it, and spent by its first answer.
 * @throws {OAuthError}
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function exchangeDeviceCode(context: TokenContext, client: OAuthClient, input: { deviceCode: string }): Promise<TokenPair> {
  const { db, now, audit } = context;
  assertClientMayUse(client, DEVICE_CODE_GRANT_TYPE);
  const unknown = () => invalidGrant("The device code is invalid or was already used.");
  if (!isOpaqueToken("deviceCode", input.deviceCode)) throw unknown();
  const row = await db.deviceCode.findUnique({ where: { deviceCodeHash: hashOpaqueToken(input.deviceCode) } });
  // Another client's code: refused as unknown (RFC 8628 §3.4: the code is bound to its client).
  if (!row || row.clientId !== client.id || row.status === "redeemed") throw unknown();
  const at = now();
  if (row.expiresAt <= at) throw new OAuthError("expired_token", "The device code has expired: start again.");
  if (row.status === "denied") throw new OAuthError("access_denied", "The request was denied.");

  if (row.status === "pending") {
    // Conditional, so of two polls at once only one can be on time.
    const onTime = await db.deviceCode.updateMany({
      where: { id: row.id, OR: [{ lastPolledAt: null }, { lastPolledAt: { lte: new Date(at.getTime() - row.interval * 1000) } }] },
      data: { lastPolledAt: at },
    });
    if (onTime.count === 0) {
      const slowed = await db.deviceCode.update({ where: { id: row.id }, data: { lastPolledAt: at, interval: { increment: SLOW_DOWN_SECONDS } }, select: { interval: true } });
      throw new OAuthError("slow_down", `Poll at most every ${slowed.interval} seconds.`);
    }
    throw new OAuthError("authorization_pending", "Waiting for a person to approve the request.");
  }

  // Approved ("sign out everywhere" since would have turned it to denied: family-revocation.ts).
  const { userId } = row;
  if (!userId) throw unknown();
  // Minted before the transaction (see start-family.ts); if the claim below loses, it is never handed out.
  const access = await mintAccessToken(context, userId, client.id, row.scopes);
  const issued = await db.$transaction(async (tx) => {
    // Spends the code: of two polls at once, one gets the tokens and the other finds it redeemed.
    const claimed = await tx.deviceCode.updateMany({ where: { id: row.id, status: "approved" }, data: { status: "redeemed" } });
    if (claimed.count === 0) return null;
    const started = await startFamily(context, tx, { kind: "device_code", clientId: client.id, userId, scopes: row.scopes }, access);
    await tx.deviceCode.update({ where: { id: row.id }, data: { familyId: started.familyId } });
    return started;
  });
  if (!issued) throw unknown();
  audit({ event: "tokens_issued", actorId: userId, subjectId: userId, details: { familyId: issued.familyId, clientId: client.id, kind: "device_code" } });
  return issued.response;
}
