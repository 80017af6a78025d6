import type { Client, PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import { isRepeatedAuthorization } from "@/lib/authorization-header";
import { constantTimeEqual } from "@/server/crypto/constant-time";

import type { CachedClientLookup, ClientLookup } from "./client-cache";
import { OAuthError } from "./errors";
import { hashOpaqueToken } from "./opaque-token";
import { CLIENT_ID_PATTERN } from "@/lib/client-id";

/** A client as the token service uses it (never its secrets' hashes). */
export type OAuthClient = Omit<Client, "secretHash" | "previousSecretHash" | "previousSecretExpiresAt">;

/** The credentials a request to the token, revocation or introspection endpoint presented (RFC 6749 §2.3). */
export interface ClientCredentials {
  clientId: string;
  clientSecret?: string;
  /** How they came: the Authorization header (client_secret_basic) or the body. */
  method: "client_secret_basic" | "client_secret_post" | "none";
}


/**
 * Reads client credentials from `Authorization: Basic` or from the body, never both (RFC 6749 §2.3:
 * a client must not use more than one method).
 * @throws {OAuthError} invalid_request when they are missing, doubled or malformed.
 */
export function clientCredentialsFrom(authorization: string | null, body: { client_id?: string; client_secret?: string }): ClientCredentials {
  if (authorization !== null) {
    if (isRepeatedAuthorization(authorization)) throw new OAuthError("invalid_request", "Send one Authorization header: this request has more than one credential.");
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(authorization.trim());
    if (!match) throw new OAuthError("invalid_client", "The Authorization header must be HTTP Basic with the client's id and secret.");
    if (body.client_secret !== undefined) throw new OAuthError("invalid_request", "Send the client's secret once: in the Authorization header or in the body.");
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    if (separator < 0) throw new OAuthError("invalid_client", "The Basic credentials must be client_id:client_secret.");
    // RFC 6749 §2.3.1: both halves are form-urlencoded before being joined.
    const clientId = formDecode(decoded.slice(0, separator));
    const clientSecret = formDecode(decoded.slice(separator + 1));
    if (body.client_id !== undefined && body.client_id !== clientId) throw new OAuthError("invalid_request", "client_id differs from the Authorization header's.");
    return { clientId, clientSecret, method: "client_secret_basic" };
  }
  if (!body.client_id) throw new OAuthError("invalid_client", "Say which client you are: client_id, or HTTP Basic for a confidential client.");
  return body.client_secret !== undefined
    ? { clientId: body.client_id, clientSecret: body.client_secret, method: "client_secret_post" }
    : { clientId: body.client_id, method: "none" };
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    throw new OAuthError("invalid_client", "The Basic credentials are not form-encoded.");
  }
}

/**
 * Every column of Prisma's Client, by name: `satisfies` below fails to compile when the model gains or
 * loses one, so this statement cannot drift from it.
 */
const CLIENT_COLUMNS = {
  id: true,
  name: true,
  type: true,
  secretHash: true,
  previousSecretHash: true,
  previousSecretExpiresAt: true,
  redirectUris: true,
  grantTypes: true,
  scopes: true,
  firstParty: true,
  mayIntrospect: true,
  ownerId: true,
  disabledAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Record<keyof Client, true>;
const CLIENT_BY_ID = `SELECT ${Object.keys(CLIENT_COLUMNS)
  .map((column) => (column === "type" ? `"type"::text AS "type"` : `"${column}"`))
  .join(", ")} FROM "Client" WHERE "id" = $1`;

/**
 * Client rows by id, in plain SQL (server/database.ts): every grant, revocation and introspection
 * starts here. The app reads them through a short-lived cache (client-cache.ts).
 */
export function clientsIn(sql: Sql): ClientLookup {
  return async (clientId) => (await sql.query<Client>(CLIENT_BY_ID, [clientId]))[0] ?? null;
}

/**
 * The client these credentials prove: a confidential client by its secret (constant-time comparison of
 * hashes), a public client by its id alone (PKCE, not a secret, protects its codes).
 * @throws {OAuthError} invalid_client for an unknown or disabled client, a wrong or missing secret, or
 *   a secret presented for a public client. The message never says which. (Client ids are not secrets,
 *   RFC 6749 §2.2: that an unknown id takes a database read where a busy one comes from the cache is no
 *   leak worth hiding.)
 */
export async function authenticateClient(clients: ClientLookup & Partial<Pick<CachedClientLookup, "forget">>, credentials: ClientCredentials, now: Date = new Date()): Promise<OAuthClient> {
  // Made only when thrown: an Error captures its stack when constructed, which showed in the profile.
  const refused = () => new OAuthError("invalid_client", "Client authentication failed.");
  if (!CLIENT_ID_PATTERN.test(credentials.clientId)) throw refused();
  let client = await clients(credentials.clientId);
  // Hashed whether or not the client is known: the comparison below takes the same time either way.
  const presentedHash = credentials.clientSecret !== undefined ? hashOpaqueToken(credentials.clientSecret) : undefined;
  if (client?.type === "confidential" && presentedHash && !matchesASecret(client, presentedHash, now) && clients.forget) {
    // A secret rotated on another instance within the cache's second: the new one is checked against
    // the row as it is now, not refused until the copy expires.
    clients.forget(credentials.clientId);
    client = await clients(credentials.clientId);
  }
  if (!client || client.disabledAt) throw refused();
  if (client.type === "confidential") {
    if (!presentedHash || !matchesASecret(client, presentedHash, now)) throw refused();
  } else if (presentedHash !== undefined) {
    throw refused();
  }
  const { secretHash: _secretHash, previousSecretHash: _previousSecretHash, previousSecretExpiresAt: _previousSecretExpiresAt, ...rest } = client;
  return rest;
}

/**
 * The scopes a client asks for on its own behalf (client credentials, device authorization): a subset of
 * its registered ones; none asked for means all of them.
 * @throws {OAuthError} invalid_scope for any other.
 */
export function scopesWithinClient(client: Pick<OAuthClient, "scopes">, requested: string[] | undefined): string[] {
  const scopes = requested && requested.length > 0 ? requested : client.scopes;
  const refused = scopes.filter((scope) => !client.scopes.includes(scope));
  if (refused.length > 0) throw new OAuthError("invalid_scope", `This client may not ask for ${refused.join(" ")}.`);
  return scopes;
}

/** The current secret, or the one before it during its rotation overlap; both compared, in constant time. */
function matchesASecret(client: Client, presentedHash: string, now: Date): boolean {
  const current = client.secretHash !== null && constantTimeEqual(presentedHash, client.secretHash);
  const overlapping = client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > now;
  const previous = overlapping && client.previousSecretHash !== null && constantTimeEqual(presentedHash, client.previousSecretHash);
  return current || previous;
}

/** A client by id for the authorization endpoint (no authentication there: the person is the one signed in). */
export async function findClient(db: PrismaClient, clientId: string): Promise<OAuthClient | null> {
  if (!CLIENT_ID_PATTERN.test(clientId)) return null;
  return db.client.findFirst({ where: { id: clientId, disabledAt: null }, omit: { secretHash: true, previousSecretHash: true, previousSecretExpiresAt: true } });
}
