import "server-only";

import type { Principal } from "@/server/auth/principal";
import { InvalidTokenError } from "@/server/auth/principal";
import { getServices } from "@/server/services";

/** What /api/v1/me says to a client acting for itself (a client-credentials token). */
export interface ClientCaller {
  kind: "client";
  client_id: string;
  name: string;
  scopes: readonly string[];
}

/** The calling client, from the client cache (no query per call: client-cache.ts). */
export async function describeClientCaller(principal: Extract<Principal, { kind: "client-token" }>): Promise<ClientCaller> {
  const client = await getServices().clients(principal.clientId);
  // Verification has just refused tokens of a missing or revoked client; a row gone since is the same.
  if (!client || client.disabledAt) throw new InvalidTokenError("The access token was refused (revoked).");
  return { kind: "client", client_id: client.id, name: client.name, scopes: principal.scopes };
}
