import "server-only";

import { getSessionService } from "@/server/sessions";
import { getTokenService } from "@/server/tokens";

/**
 * "Sign out everywhere": every browser session of the person ends, and so do their API tokens (every
 * family revoked, every access token issued until now refused).
 *
 * Sessions go first: deleting a session waits for any grant it is issuing at that moment (the token
 * service holds the session's row while it writes one), so the token sweep that follows also catches
 * grants that were in flight. The sweep runs even if ending the sessions failed.
 * @returns the ids of the sessions ended.
 */
export async function signOutEverywhere(userId: string, actorId: string): Promise<string[]> {
  try {
    return await getSessionService().revokeAll(userId);
  } finally {
    await getTokenService().revokeAllForUser(userId, actorId);
  }
}
