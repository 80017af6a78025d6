import type { PrismaClient } from "@/generated/prisma/client";
import { parseScopeParameter, type Scope } from "@/lib/scopes";
import { findClient, type OAuthClient } from "@/server/tokens/clients";

/** A valid authorization request, ready for consent. */
export interface AuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  scopes: Scope[];
  codeChallenge: string;
  state?: string;
}

export type AuthorizeValidation =
  /** The client or redirect URI cannot be trusted: tell the person, never redirect (RFC 6749 §4.1.2.1). */
  | { outcome: "show-error"; message: string }
  /** The client is known and the redirect URI is its own: the error goes back to it. */
  | { outcome: "redirect-error"; redirectUri: string; state?: string; error: string; description: string }
  | { outcome: "ok"; request: AuthorizationRequest };

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks an authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636 §4.3): the client must exist and
 * name one of its registered redirect URIs exactly; `response_type=code`; a S256 `code_challenge`
 * (`plain` is refused: it protects nothing against an attacker who sees the request); scopes within the
 * client's. Parameters may appear once each.
 */
export async function validateAuthorizeRequest(db: PrismaClient, params: Record<string, string | string[] | undefined>): Promise<AuthorizeValidation> {
  const single = (name: string): string | undefined | null => {
    const value = params[name];
    if (Array.isArray(value)) return null; // repeated
    return value === "" ? undefined : value;
  };
  const clientId = single("client_id");
  const redirectUri = single("redirect_uri");
  if (!clientId) return { outcome: "show-error", message: "The application did not say who it is (client_id)." };
  const client = clientId.length <= 128 ? await findClient(db, clientId) : null;
  if (!client) return { outcome: "show-error", message: "This application is not registered here." };
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return { outcome: "show-error", message: "The application asked to send you to an address it has not registered, so we stopped here." };
  }

  const state = single("state");
  const fail = (error: string, description: string): AuthorizeValidation => ({
    outcome: "redirect-error",
    redirectUri,
    // Echoed only when it is one the client could have meant: an oversized one is not sent back.
    state: typeof state === "string" && state.length <= 1024 ? state : undefined,
    error,
    description,
  });
  if (state === null || (state && state.length > 1024)) return fail("invalid_request", "state must appear once, at most 1024 characters.");
  const responseType = single("response_type");
  if (responseType !== "code") return fail("unsupported_response_type", "Only response_type=code is supported.");
  if (!client.grantTypes.includes("authorization_code")) return fail("unauthorized_client", "This client may not use the authorization code flow.");
  const codeChallenge = single("code_challenge");
  const method = single("code_challenge_method");
  if (!codeChallenge || method !== "S256") return fail("invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256.");
  if (!S256_CHALLENGE.test(codeChallenge)) return fail("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters).");
  const scopeParameter = single("scope");
  const scopes = scopeParameter === undefined ? (["profile"] as Scope[]) : scopeParameter === null ? null : parseScopeParameter(scopeParameter);
  if (!scopes || scopes.length === 0 || !scopes.every((scope) => client.scopes.includes(scope))) {
    return fail("invalid_scope", "The requested scope is unknown or not allowed for this client.");
  }
  return { outcome: "ok", request: { client, redirectUri, scopes, codeChallenge, state: state ?? undefined } };
}

/** A query string as the validator takes it: a repeated parameter stays visible (as an array) so it is refused. */
export function authorizeParamsFrom(query: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    const seen = params[name];
    params[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return params;
}

/**
 * The redirect back to the client, with the code or the error, the echoed state, and `iss` (RFC 9207,
 * against mix-up attacks).
 */
export function authorizationResponseUrl(redirectUri: string, issuer: string, params: { code?: string; error?: string; error_description?: string; state?: string }): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  url.searchParams.set("iss", issuer);
  return url.toString();
}
