import { z } from "zod";

import { AppError } from "../lib/app-error";

import { parseSigningKeys } from "./env-signing-keys";

export type { PrivateSigningJwk } from "./env-signing-keys";

/**
 * The environment Gatehouse runs on, as a zod schema and a parser.
 *
 * Pure (no `server-only`, no `process.env`) so that the run scripts can check the configuration
 * before they start anything, and so it can be unit-tested. The app reads it through `server/env.ts`.
 * Every variable is documented in `.env.example`.
 */

const DEFAULT_LOCAL_IDP_ISSUER = "http://localhost:3001";
const DEFAULT_LOCAL_IDP_CLIENT_ID = "gatehouse-local";

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const booleanFlag = z
  .enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' })
  .transform((value) => value === "true" || value === "1")
  .optional();

// TRUST_PROXY_HOPS: empty counts as unset; a strict pattern, so "", "1.5", "-1" or "0x1" are not coerced.
const proxyHopCount = z
  .string()
  .trim()
  .regex(/^(|[0-9]|10)$/, { error: "must be a whole number from 0 to 10: the reverse proxies in front of the app that append to X-Forwarded-For" })
  .transform((value) => (value === "" ? undefined : Number(value)))
  .optional();

const postgresUrl = z
  .string({ error: "is missing: set it to a PostgreSQL URL, e.g. postgresql://postgres@127.0.0.1:5432/gatehouse" })
  .trim()
  .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value), {
    error: "must be a PostgreSQL URL starting with postgresql:// (e.g. postgresql://postgres@127.0.0.1:5432/gatehouse)",
  });

const secret = (hint: string) =>
  z
    .string({ error: `is missing: ${hint}` })
    .trim()
    .min(32, { error: `is too short (at least 32 characters): ${hint}` });

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: postgresUrl,
    DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on"),
    DATABASE_CHANGE_NOTIFICATIONS: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on"),
    AUTH_SECRET: secret("generate one with `openssl rand -base64 33`"),
    AUTH_URL: z.url({ protocol: /^https?$/, error: "must be the app's public origin, e.g. https://gatehouse.example.com" }).optional(),
    AUTH_TRUST_HOST: booleanFlag,
    VERCEL: optionalText,
    AUTH_GOOGLE_ID: optionalText,
    AUTH_GOOGLE_SECRET: optionalText,
    AUTH_GITHUB_ID: optionalText,
    AUTH_GITHUB_SECRET: optionalText,
    AUTH_LOCAL_IDP: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional(),
    AUTH_LOCAL_IDP_TRUSTED: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional(),
    LOCAL_IDP_ISSUER: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default(DEFAULT_LOCAL_IDP_ISSUER),
    LOCAL_IDP_CLIENT_ID: z.string().trim().min(1).default(DEFAULT_LOCAL_IDP_CLIENT_ID),
    LOCAL_IDP_CLIENT_SECRET: optionalText,
    // Empty is unset, so `REDIS_URL=` turns Redis off even where an env file would set it.
    REDIS_URL: z.preprocess((value) => (value === "" ? undefined : value), z.url({ protocol: /^rediss?$/, error: "must be a Redis URL, e.g. redis://127.0.0.1:6379" }).optional()),
    REDIS_CLIENT_TRACKING: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on"),
    SESSION_IDLE_TIMEOUT_MINUTES: z.coerce.number({ error: "must be a number of minutes" }).int().min(1).max(525_600).default(24 * 60),
    SESSION_MAX_AGE_DAYS: z.coerce.number({ error: "must be a number of days" }).int().min(1).max(400).default(30),
    SESSION_TOUCH_INTERVAL_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(1).max(3600).default(60),
    TRUST_PROXY: booleanFlag,
    TRUST_PROXY_HOPS: proxyHopCount,
    SIGN_IN_RATE_LIMIT: z.coerce.number({ error: "must be a number of attempts" }).int().min(1).max(100_000).default(30),
    SIGN_IN_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(1).max(86_400).default(600),
    SIGN_IN_RATE_LIMIT_PER_ACCOUNT: z.coerce.number({ error: "must be a number of attempts" }).int().min(1).max(100_000).default(10),
    OAUTH_RATE_LIMIT_PER_IP: z.coerce.number({ error: "must be a number of requests" }).int().min(1).max(10_000_000).default(600),
    OAUTH_RATE_LIMIT_PER_CLIENT: z.coerce.number({ error: "must be a number of requests" }).int().min(1).max(10_000_000).default(1200),
    OAUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(1).max(86_400).default(60),
    OAUTH_ISSUER: z.url({ protocol: /^https?$/, error: "must be the app's public origin, e.g. https://gatehouse.example.com" }).optional(),
    PORT: z.coerce.number({ error: "must be a port number" }).int().min(1).max(65_535).default(3000),
    VERCEL_PROJECT_PRODUCTION_URL: optionalText,
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(30).max(86_400).default(15 * 60),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number({ error: "must be a number of days" }).int().min(1).max(365).default(7),
    TOKEN_FAMILY_MAX_AGE_DAYS: z.coerce.number({ error: "must be a number of days" }).int().min(1).max(3650).default(90),
    TOKEN_KEY_ENCRYPTION_KEY: z
      .string()
      .trim()
      .refine((value) => Buffer.from(value, "base64url").length === 32, {
        error: "must be 32 random bytes in base64url (generate with `openssl rand -base64 32 | tr '+/' '-_' | tr -d =`)",
      })
      .optional(),
    TOKEN_SIGNING_KEYS: z
      .string()
      .trim()
      .transform((value, context) => {
        const parsed = parseSigningKeys(value);
        if (typeof parsed === "string") {
          context.addIssue({ code: "custom", message: parsed });
          return z.NEVER;
        }
        return parsed;
      })
      .optional(),
    CRON_SECRET: z.string().trim().min(32, { error: "is too short (at least 32 characters): generate one with `openssl rand -base64 33`" }).optional(),
    ADMIN_EMAILS: z
      .string()
      .trim()
      .transform((value) => value.split(",").map((email) => email.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.email({ error: "must be a comma-separated list of email addresses" })))
      .default([]),
  })
  .transform((raw) => {
    const isProduction = raw.NODE_ENV === "production";
    return {
      nodeEnv: raw.NODE_ENV,
      isProduction,
      databaseUrl: raw.DATABASE_URL,
      // The hot paths' plain SQL, prepared once per connection (server/database.ts).
      databasePreparedStatements: raw.DATABASE_PREPARED_STATEMENTS === "on",
      // Without Redis, sessions kept in each process while PostgreSQL announces their changes (server/database-notified-copy.ts).
      databaseChangeNotifications: raw.DATABASE_CHANGE_NOTIFICATIONS === "on",
      authSecret: raw.AUTH_SECRET,
      authUrl: raw.AUTH_URL,
      // Auth.js refuses requests whose Host it does not trust (to stop Host-header poisoning of its
      // redirect URLs). With AUTH_URL set it builds its URLs from that, not from Host; otherwise trust
      // Host in development, on Vercel, or when the deployer says so (AUTH_TRUST_HOST).
      trustHost: raw.AUTH_TRUST_HOST ?? (!isProduction || Boolean(raw.VERCEL) || Boolean(raw.AUTH_URL)),
      google: oauthCredentials(raw.AUTH_GOOGLE_ID, raw.AUTH_GOOGLE_SECRET),
      github: oauthCredentials(raw.AUTH_GITHUB_ID, raw.AUTH_GITHUB_SECRET),
      redisUrl: raw.REDIS_URL,
      // The hot paths' reads kept in this process while Redis tracks them (server/redis-client-cache.ts).
      redisClientTracking: raw.REDIS_CLIENT_TRACKING === "on",
      adminEmails: raw.ADMIN_EMAILS,
      signInRateLimit: { points: raw.SIGN_IN_RATE_LIMIT, durationSeconds: raw.SIGN_IN_RATE_LIMIT_WINDOW_SECONDS },
      accountSignInRateLimit: { points: raw.SIGN_IN_RATE_LIMIT_PER_ACCOUNT, durationSeconds: raw.SIGN_IN_RATE_LIMIT_WINDOW_SECONDS },
      oauthRateLimits: { perIp: raw.OAUTH_RATE_LIMIT_PER_IP, perClient: raw.OAUTH_RATE_LIMIT_PER_CLIENT, windowSeconds: raw.OAUTH_RATE_LIMIT_WINDOW_SECONDS },
      // Vercel Cron sends it as a Bearer token to /api/cron/*; unset = those routes answer 404.
      cronSecret: raw.CRON_SECRET,
      oauth: {
        issuer: oauthIssuer(raw),
        accessTokenTtlSeconds: raw.ACCESS_TOKEN_TTL_SECONDS,
        refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL_DAYS * 24 * 60 * 60,
        familyMaxAgeSeconds: raw.TOKEN_FAMILY_MAX_AGE_DAYS * 24 * 60 * 60,
        // Encrypts the signing keys' private halves in PostgreSQL. Derived from AUTH_SECRET unless set,
        // so development needs nothing more (server/tokens/key-encryption.ts derives it).
        keyEncryptionKey: raw.TOKEN_KEY_ENCRYPTION_KEY ? new Uint8Array(Buffer.from(raw.TOKEN_KEY_ENCRYPTION_KEY, "base64url")) : undefined,
        // Private JWKs given by the environment (Vercel without database-held keys): they replace the table.
        signingKeys: raw.TOKEN_SIGNING_KEYS,
      },
      sessionLifetimes: {
        idleTimeoutMs: raw.SESSION_IDLE_TIMEOUT_MINUTES * 60 * 1000,
        absoluteLifetimeMs: raw.SESSION_MAX_AGE_DAYS * 24 * 60 * 60 * 1000,
        touchIntervalMs: raw.SESSION_TOUCH_INTERVAL_SECONDS * 1000,
      },
      // How many X-Forwarded-For entries, from the right, our own proxies wrote (server/http/client-ip.ts).
      // 0 = none: the header is the client's own, so the socket's address is taken. TRUST_PROXY=true is the older
      // spelling of 1 (a conflicting pair is refused below); Vercel is one proxy that sets the header.
      trustedProxyHops: raw.TRUST_PROXY_HOPS ?? (raw.TRUST_PROXY === undefined ? (raw.VERCEL ? 1 : 0) : Number(raw.TRUST_PROXY)),
      localIdp: localIdpEnabled(raw)
        ? {
            issuer: raw.LOCAL_IDP_ISSUER.replace(/\/$/, ""),
            clientId: raw.LOCAL_IDP_CLIENT_ID,
            clientSecret: raw.LOCAL_IDP_CLIENT_SECRET ?? "",
          }
        : undefined,
      // Whether the local IdP's "email verified" is believed (server/auth/provider-profile.ts). Anyone can tick
      // it there, so in production only for a demo or test deployment that says so: otherwise typing an
      // address from ADMIN_EMAILS would make anyone an admin, and any address would link into its owner.
      localIdpTrusted: raw.AUTH_LOCAL_IDP_TRUSTED ? raw.AUTH_LOCAL_IDP_TRUSTED === "on" : !isProduction,
    };
  });

export type Env = z.output<typeof envSchema>;

/**
 * The `iss` of our access tokens and the authorization server's identifier (RFC 8414): fixed, never the
 * request's Host, so a forged Host cannot change it. OAUTH_ISSUER, else AUTH_URL's origin, else the
 * production URL Vercel gives, else http://localhost:<PORT> in development.
 */
function oauthIssuer(raw: { OAUTH_ISSUER?: string; AUTH_URL?: string; VERCEL_PROJECT_PRODUCTION_URL?: string; PORT: number }): string {
  if (raw.OAUTH_ISSUER) return new URL(raw.OAUTH_ISSUER).origin;
  if (raw.AUTH_URL) return new URL(raw.AUTH_URL).origin;
  if (raw.VERCEL_PROJECT_PRODUCTION_URL) return `https://${raw.VERCEL_PROJECT_PRODUCTION_URL}`;
  return `http://localhost:${raw.PORT}`;
}

/** The local identity provider is on by default outside production, and only on request in it. */
function localIdpEnabled(raw: { NODE_ENV?: string; AUTH_LOCAL_IDP?: string }): boolean {
  return raw.AUTH_LOCAL_IDP ? raw.AUTH_LOCAL_IDP === "on" : raw.NODE_ENV !== "production";
}

/**
 * Rules that span several variables. They read the raw strings so that they are reported together
 * with the per-variable problems, not only once those are fixed.
 */
function crossVariableProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const present = (name: string) => Boolean(raw[name]?.trim());
  for (const provider of ["GOOGLE", "GITHUB"]) {
    const [id, secretName] = [`AUTH_${provider}_ID`, `AUTH_${provider}_SECRET`];
    if (present(id) !== present(secretName)) {
      problems.push(`${present(id) ? secretName : id} is missing: ${id} and ${secretName} go together (set both or neither)`);
    }
  }
  if (localIdpEnabled(raw) && (raw.LOCAL_IDP_CLIENT_SECRET?.trim() ?? "").length < 32) {
    problems.push(
      "LOCAL_IDP_CLIENT_SECRET is missing or shorter than 32 characters: the local identity provider is on (`npm run dev` generates it for you)",
    );
  }
  if (raw.NODE_ENV === "production" && !present("OAUTH_ISSUER") && !present("AUTH_URL") && !present("VERCEL_PROJECT_PRODUCTION_URL")) {
    problems.push(
      "OAUTH_ISSUER is missing: in production set it (or AUTH_URL) to the app's public origin; it is the `iss` of every access token",
    );
  }
  if (raw.NODE_ENV === "production" && !present("AUTH_URL") && !present("AUTH_TRUST_HOST") && !present("VERCEL")) {
    problems.push(
      "AUTH_URL is missing: in production set it to the app's public origin (or AUTH_TRUST_HOST=true behind a proxy that sets Host)",
    );
  }
  const [legacyTrust, hops] = [booleanFlag.safeParse(raw.TRUST_PROXY).data, proxyHopCount.safeParse(raw.TRUST_PROXY_HOPS).data];
  if (legacyTrust !== undefined && hops !== undefined && Number(legacyTrust) !== hops) {
    problems.push(
      `TRUST_PROXY_HOPS=${hops} and TRUST_PROXY=${raw.TRUST_PROXY?.trim()} disagree: remove TRUST_PROXY (its older spelling: true means TRUST_PROXY_HOPS=1, false means 0)`,
    );
  }
  return problems;
}

function oauthCredentials(clientId?: string, clientSecret?: string) {
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** Thrown when the environment is wrong; `problems` holds one readable line per variable. */
export class EnvError extends AppError<"invalid_environment"> {
  readonly code = "invalid_environment";
  constructor(readonly problems: string[]) {
    super(`Gatehouse cannot start: its environment is not valid.\n${problems.map((line) => `  - ${line}`).join("\n")}\nSee .env.example for every variable.`);
    this.name = "EnvError";
  }
}

/**
 * Validates an environment (normally `process.env`) and returns Gatehouse's typed configuration.
 * @throws {EnvError} listing every missing or wrong variable, one line each.
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  const problems = [
    ...(result.error?.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`) ?? []),
    ...crossVariableProblems(source),
  ];
  if (problems.length > 0 || !result.success) throw new EnvError(problems);
  return result.data;
}
