import { z } from "zod";

import { parseScopeParameter } from "@/lib/scopes";

/**
 * The token endpoint's parameters per grant (RFC 6749 §4.1.3 and §6). Client credentials are read
 * separately (server/tokens/clients.ts). Unknown grant types get `unsupported_grant_type`, which zod
 * cannot express, so the route checks `grant_type` first.
 */
const codeVerifier = z
  .string({ error: "is required (PKCE, RFC 7636)" })
  // RFC 7636 §4.1: 43 to 128 unreserved characters.
  .regex(/^[A-Za-z0-9\-._~]{43,128}$/, { error: "must be 43 to 128 unreserved characters (RFC 7636 §4.1)" });

const scopeParameter = z
  .string()
  .max(512)
  .transform((value, context) => {
    const scopes = parseScopeParameter(value);
    if (!scopes) {
      // RFC 6749 §5.2: an unknown scope is `invalid_scope`, not a malformed request.
      context.addIssue({ code: "custom", message: "names an unknown scope", params: { oauthError: "invalid_scope" } });
      return z.NEVER;
    }
    return scopes;
  });

export const authorizationCodeGrantSchema = z.object({
  grant_type: z.literal("authorization_code"),
  code: z.string({ error: "is required" }).max(4096),
  redirect_uri: z.string({ error: "is required" }).max(2048),
  code_verifier: codeVerifier,
});

export const refreshTokenGrantSchema = z.object({
  grant_type: z.literal("refresh_token"),
  refresh_token: z.string({ error: "is required" }).max(4096),
  scope: scopeParameter.optional(),
});

export const SUPPORTED_GRANT_TYPES = ["authorization_code", "refresh_token"] as const;

export const tokenRequestSchema = z.discriminatedUnion("grant_type", [authorizationCodeGrantSchema, refreshTokenGrantSchema]);

/** RFC 7009 §2.1 and RFC 7662 §2.1: the token, and an optional hint we do not need (we can tell the kinds apart). */
export const tokenParameterSchema = z.object({
  token: z.string({ error: "is required" }).min(1).max(4096),
  token_type_hint: z.string().max(64).optional(),
});
