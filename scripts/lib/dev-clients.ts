import pg from "pg";

import { hashOpaqueToken } from "../../server/tokens/opaque-token";
import { localStateDir, readOrCreateLocalSecret } from "./local-state";

/** The confidential client `npm run dev` provides, so introspection can be tried without a registry. */
export const DEV_RESOURCE_SERVER_ID = "gatehouse-dev-resource-server";

/**
 * Development only: makes sure a confidential resource-server client exists, with its secret kept in
 * .gatehouse/ (never in the repository or a migration). Production registers its own clients.
 * @returns the client's id and secret, to print.
 */
export async function ensureDevResourceServer(databaseUrl: string, directory = localStateDir) {
  const secret = readOrCreateLocalSecret("resource-server-secret", directory);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Client" (id, name, type, "secretHash", "redirectUris", "grantTypes", scopes, "firstParty", "mayIntrospect", "updatedAt")
       VALUES ($1, 'Development resource server', 'confidential', $2, '{}', '{}', '{profile,notes:read,notes:write}', true, true, now())
       ON CONFLICT (id) DO UPDATE SET "secretHash" = EXCLUDED."secretHash", "updatedAt" = now()`,
      [DEV_RESOURCE_SERVER_ID, hashOpaqueToken(secret)],
    );
  } finally {
    await client.end();
  }
  return { clientId: DEV_RESOURCE_SERVER_ID, secret };
}
