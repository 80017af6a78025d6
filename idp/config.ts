// The local identity provider's configuration: the one place idp/ reads its environment.
import { z } from "zod";

export type RuntimeMode = "development" | "test" | "production";

export interface LocalIdpConfig {
  /** TCP port to listen on; 0 picks a free one (tests). */
  port: number;
  /** Interface to bind; loopback by default, because anyone who reaches this process can sign in as anyone. */
  host: string;
  /** Issuer Identifier, an origin such as http://localhost:3001 (OpenID Connect Discovery 1.0 §3). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  mode: RuntimeMode;
}

export type LocalIdpConfigResult =
  | { success: true; config: LocalIdpConfig }
  | { success: false; problems: string[] };

/** Unset and empty variables mean the same thing (an empty line in a .env file is not a value). */
function unsetIfBlank<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema);
}

/**
 * An absolute http(s) URL that is only an origin: no path, query or fragment. oidc-provider serves its
 * endpoints at the root, so an issuer with a path would publish a discovery document at a URL it does
 * not serve; a trailing slash would make the issuer differ from what Auth.js compares it with.
 */
const issuerSchema = z.string().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  },
  { error: "must be an origin such as http://localhost:3001 (http or https, no path, no trailing slash)" },
);

// RFC 6749 §3.1.2: the redirection endpoint URI MUST be an absolute URI and MUST NOT include a fragment.
const redirectUriSchema = z.string().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hash === "" && !value.includes("#");
  },
  { error: (issue) => `"${String(issue.input)}" is not an absolute http(s) URL without a fragment` },
);

const localIdpEnvSchema = z.object({
  NODE_ENV: unsetIfBlank(
    z
      .enum(["development", "test", "production"], {
        error: 'must be "development", "test" or "production"',
      })
      .default("development"),
  ),
  AUTH_LOCAL_IDP: unsetIfBlank(z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional()),
  LOCAL_IDP_PORT: unsetIfBlank(
    z.coerce
      .number({ error: "must be a port number" })
      .int({ error: "must be a whole number" })
      .min(1, { error: "must be between 1 and 65535" })
      .max(65535, { error: "must be between 1 and 65535" })
      .default(3001),
  ),
  LOCAL_IDP_HOST: unsetIfBlank(z.string().default("127.0.0.1")),
  LOCAL_IDP_ISSUER: unsetIfBlank(issuerSchema.optional()),
  LOCAL_IDP_CLIENT_ID: unsetIfBlank(
    z
      .string()
      .max(200, { error: "must be at most 200 characters" })
      .regex(/^[\x21-\x7e]+$/, { error: "must be printable ASCII without spaces" })
      .default("gatehouse-local"),
  ),
  LOCAL_IDP_CLIENT_SECRET: unsetIfBlank(
    z
      .string({
        error: "is required: a random secret of at least 32 characters, shared with the app (its run command generates one)",
      })
      .min(32, { error: "must be at least 32 characters" }),
  ),
  LOCAL_IDP_REDIRECT_URIS: unsetIfBlank(
    z
      .string({
        error: "is required: comma-separated absolute URLs, e.g. http://localhost:3000/api/auth/callback/local",
      })
      .transform((value) => [...new Set(value.split(",").map((uri) => uri.trim()).filter(Boolean))])
      .pipe(z.array(redirectUriSchema).min(1, { error: "must list at least one URL" })),
  ),
});

function formatIssue(issue: z.core.$ZodIssue): string {
  const [variable] = issue.path;
  return variable === undefined ? issue.message : `${String(variable)} ${issue.message}`;
}

/**
 * Parses and validates the local identity provider's environment.
 *
 * Refuses production unless AUTH_LOCAL_IDP=on, because this provider lets anyone sign in as anyone, and
 * refuses AUTH_LOCAL_IDP=off in every mode. Never echoes the client secret.
 */
export function parseLocalIdpConfig(env: Readonly<Record<string, string | undefined>>): LocalIdpConfigResult {
  const parsed = localIdpEnvSchema.safeParse(env);
  if (!parsed.success) {
    return { success: false, problems: parsed.error.issues.map(formatIssue) };
  }
  const vars = parsed.data;

  if (vars.AUTH_LOCAL_IDP === "off") {
    return {
      success: false,
      problems: ["AUTH_LOCAL_IDP is off: the local identity provider is disabled, so it will not start"],
    };
  }
  if (vars.NODE_ENV === "production" && vars.AUTH_LOCAL_IDP !== "on") {
    return {
      success: false,
      problems: [
        "NODE_ENV is production and AUTH_LOCAL_IDP is not on: the local identity provider lets anyone sign in as anyone, so it refuses to start in production unless AUTH_LOCAL_IDP=on",
      ],
    };
  }

  return {
    success: true,
    config: {
      port: vars.LOCAL_IDP_PORT,
      host: vars.LOCAL_IDP_HOST,
      issuer: vars.LOCAL_IDP_ISSUER ?? `http://localhost:${vars.LOCAL_IDP_PORT}`,
      clientId: vars.LOCAL_IDP_CLIENT_ID,
      clientSecret: vars.LOCAL_IDP_CLIENT_SECRET,
      redirectUris: vars.LOCAL_IDP_REDIRECT_URIS,
      mode: vars.NODE_ENV,
    },
  };
}

/** The banner printed when the provider runs in production: it must be impossible to miss. */
export function productionWarning(issuer: string): string {
  const rule = "!".repeat(78);
  return [
    rule,
    "!! WARNING: the LOCAL IDENTITY PROVIDER is running with NODE_ENV=production (AUTH_LOCAL_IDP=on).",
    `!! Anyone who can reach ${issuer} can sign in AS ANYONE, with any email address,`,
    "!! marked verified or not. It is a development tool, not a way to authenticate real people.",
    "!! Set AUTH_LOCAL_IDP=off (and remove the provider from the app) for a real deployment.",
    rule,
  ].join("\n");
}
