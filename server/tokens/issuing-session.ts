import type { PrismaClient } from "@/generated/prisma/client";

import { IssuingSessionEndedError } from "./errors";

/**
 * Holds the issuing browser session's row (FOR KEY SHARE: a delete waits, an activity write does not)
 * until the grant is written, and refuses if it is gone. "Sign out everywhere" deletes the sessions before it sweeps the families: its delete waits for
 * grants in flight, so a pair or code issued by a session it ends is always in the sweep, never after it.
 * @throws {IssuingSessionEndedError}
 */
export async function lockIssuingSession(tx: Pick<PrismaClient, "$queryRaw">, sessionId: string): Promise<void> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Session" WHERE "id" = ${sessionId} FOR KEY SHARE`;
  if (rows.length === 0) throw new IssuingSessionEndedError();
}
