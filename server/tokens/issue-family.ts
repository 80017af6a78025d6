import type { TokenPair } from "@/lib/token-response";

import { lockIssuingSession } from "./issuing-session";
import { mintAccessToken } from "./mint";
import { startFamily } from "./start-family";
import type { TokenContext } from "./token-context";

export interface IssueFamilyInput {
  kind: "personal" | "playground";
  clientId: string;
  userId: string;
  scopes: string[];
  name?: string;
  issuingSessionId: string;
  /** Ends with the session (the playground's pair). */
  boundToSession?: boolean;
}

/**
 * Issues a token pair outside any redirect flow: the playground's (bound to the browser session) and
 * personal API tokens (named). The person is authenticated by `issuingSessionId`, which must still be
 * live when the pair is written (see `lockIssuingSession`).
 * @throws {IssuingSessionEndedError}
 */
export async function issueFamily(context: TokenContext, input: IssueFamilyInput): Promise<{ familyId: string; response: TokenPair }> {
  const { issuingSessionId, boundToSession, ...family } = input;
  const access = await mintAccessToken(context, family.userId, family.clientId, family.scopes);
  const result = await context.db.$transaction(async (tx) => {
    await lockIssuingSession(tx, issuingSessionId);
    return startFamily(context, tx, { ...family, sessionId: boundToSession ? issuingSessionId : undefined }, access);
  });
  context.audit({ event: "tokens_issued", actorId: input.userId, subjectId: input.userId, details: { familyId: result.familyId, clientId: input.clientId, kind: input.kind } });
  return result;
}
