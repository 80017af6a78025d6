import "server-only";

import { getServices } from "@/server/services";

/**
 * Ending sessions, and recording who did it: one place for "revoke, then audit", whoever asks (the
 * person on Devices & access, or an admin). `actorId` is who acted, `userId` whose sessions they were.
 */

/**
 * Ends the given sessions of `userId` (ids of other people's sessions do nothing) and records
 * `session_revoked` when any ended.
 * @returns the ids of the sessions ended.
 */
export async function endSessions(input: { actorId: string; userId: string; sessionIds: string[] }): Promise<string[]> {
  const revoked = await getServices().sessions.revoke(input.userId, input.sessionIds);
  if (revoked.length > 0) await auditSessionsRevoked(input.actorId, input.userId, revoked);
  return revoked;
}

/** Ends every session of `userId` but `keepSessionId` ("Sign out all other devices"). */
export async function endOtherSessions(input: { userId: string; keepSessionId: string }): Promise<string[]> {
  const revoked = await getServices().sessions.revokeAll(input.userId, input.keepSessionId);
  if (revoked.length > 0) await auditSessionsRevoked(input.userId, input.userId, revoked);
  return revoked;
}

/**
 * "Sign out everywhere": every browser session of the person ends, and so do their API tokens (every
 * family revoked, every access token issued until now refused), recorded as `sign_out_everywhere`.
 *
 * Sessions go first: deleting a session waits for any grant it is issuing at that moment (the token
 * service holds the session's row while it writes one), so the token sweep that follows also catches
 * grants that were in flight. The sweep runs even if ending the sessions failed.
 * @returns the ids of the sessions ended.
 */
export async function signOutEverywhere(input: { actorId: string; userId: string }): Promise<string[]> {
  let revoked: string[] = [];
  try {
    revoked = await getServices().sessions.revokeAll(input.userId);
  } finally {
    await getServices().tokens.revokeAllForUser(input.userId, input.actorId);
  }
  await getServices().audit.recordForRequest({ event: "sign_out_everywhere", actorId: input.actorId, subjectId: input.userId, details: { sessionIds: revoked } });
  return revoked;
}

function auditSessionsRevoked(actorId: string, userId: string, sessionIds: string[]) {
  return getServices().audit.recordForRequest({ event: "session_revoked", actorId, subjectId: userId, details: { sessionIds } });
}
