import { z } from "zod";

import { CLIENT_GRANT_TYPES, DEVICE_CODE_GRANT_TYPE, type ClientGrantType } from "@/lib/grant-types";
import { ALL_SCOPES } from "@/lib/scopes";

/** Loopback IP literals: `localhost` may resolve elsewhere (RFC 8252 §8.3). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]"]);
/** A private-use scheme in reverse-domain form, at least two labels: com.example.app (RFC 8252 §7.1). */
const PRIVATE_SCHEME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+$/;

/** A value as an error message quotes it: never more than 100 characters. */
const quoted = (value: string) => (value.length > 100 ? `${value.slice(0, 100)}…` : value);

/**
 * Why a redirect URI cannot be registered, or null when it can. It is compared exactly (RFC 9700
 * §4.1.3), so it must be written in the normal form a URL parser gives it (no "HTTPS://", no missing
 * "/"), or two spellings of one address would be two URIs. Allowed:
 *   - https, on one named host (no wildcard);
 *   - http on a loopback IP literal only, for native apps (RFC 8252 §7.3);
 *   - a private-use scheme in reverse-domain form with a one-slash path, such as
 *     `com.example.app:/callback` (RFC 8252 §7.1).
 * Never a fragment (RFC 6749 §3.1.2) or a user name and password in it.
 */
export function redirectUriProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URI";
  }
  if (url.href !== value) return `must be written as ${quoted(url.href)}`;
  if (value.includes("#")) return "must not have a fragment";
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.protocol === "https:") return url.hostname.includes("*") ? "must name one host: there are no wildcards (URIs are compared exactly)" : null;
  if (url.protocol === "http:") {
    if (url.hostname === "localhost") return "must use 127.0.0.1 or [::1], not localhost (RFC 8252 §8.3)";
    return LOOPBACK_HOSTS.has(url.hostname) ? null : "must be https (http only on a loopback address, RFC 8252 §7.3)";
  }
  const scheme = url.protocol.slice(0, -1);
  if (!PRIVATE_SCHEME.test(scheme)) return "must be https, http on a loopback address, or a reverse-domain private scheme such as com.example.app:/callback";
  if (!value.startsWith(`${scheme}:/`) || value.startsWith(`${scheme}://`)) return `must be ${scheme}:/ and a path, with one slash (RFC 8252 §7.1)`;
  return null;
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: "is required" })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => !/[\p{Cc}\p{Cf}\p{Cs}]/u.test(value), { error: "must not contain control characters or unpaired surrogates" });

/** What registering a client takes: from the CLI's flags or the admin page's form. */
export const newClientSchema = z
  .object({
    name: text(100),
    type: z.enum(["confidential", "public"]).default("confidential"),
    grantTypes: z
      .array(z.enum(CLIENT_GRANT_TYPES, { error: `must be one of ${CLIENT_GRANT_TYPES.join(", ")}` }))
      .min(1, { error: "name at least one grant type" })
      .transform((values) => [...new Set(values)]),
    scopes: z
      .array(z.enum(ALL_SCOPES as [string, ...string[]], { error: `must be among ${ALL_SCOPES.join(", ")}` }))
      .default([])
      .transform((values) => [...new Set(values)]),
    redirectUris: z
      .array(
        z
          .string()
          .max(2048, { error: "must be at most 2048 characters", abort: true })
          .superRefine((value, context) => {
            const problem = redirectUriProblem(value);
            if (problem) context.addIssue({ code: "custom", message: `${quoted(value)} ${problem}` });
          }),
      )
      .max(20, { error: "at most 20" })
      .default([])
      .transform((values) => [...new Set(values)]),
    firstParty: z.boolean().default(false),
    mayIntrospect: z.boolean().default(false),
  })
  .superRefine((client, context) => {
    const problem = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
    const has = (grant: ClientGrantType) => client.grantTypes.includes(grant);
    // RFC 6749 §4.4: the client credentials grant is for confidential clients only.
    if (client.type === "public" && has("client_credentials")) problem("grantTypes", "client_credentials needs a confidential client (it has no one else to authenticate)");
    // RFC 7662 §2.1: introspection is asked by an authenticated client.
    if (client.type === "public" && client.mayIntrospect) problem("mayIntrospect", "only a confidential client may introspect");
    if (has("authorization_code") && client.redirectUris.length === 0) problem("redirectUris", "authorization_code needs at least one redirect URI");
    if (!has("authorization_code") && client.redirectUris.length > 0) problem("redirectUris", "redirect URIs are only for the authorization_code grant");
    if (has("refresh_token") && !has("authorization_code") && !has(DEVICE_CODE_GRANT_TYPE)) {
      problem("grantTypes", "refresh_token comes with authorization_code or the device grant (those issue refresh tokens)");
    }
  });

export type NewClientInput = z.input<typeof newClientSchema>;
export type NewClient = z.output<typeof newClientSchema>;

/** How long the old secret keeps working after a rotation: at most 30 days. */
export const rotationOverlapSchema = z
  .number()
  .int({ error: "must be a whole number of seconds" })
  .min(0, { error: "must not be negative" })
  .max(30 * 24 * 60 * 60, { error: "must be at most 30 days" });
