import { z } from "zod";

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
    AUTH_SECRET: secret("generate one with `openssl rand -base64 33`"),
    AUTH_URL: z.url({ protocol: /^https?$/, error: "must be the app's public origin, e.g. https://gatehouse.example.com" }).optional(),
    AUTH_TRUST_HOST: booleanFlag,
    VERCEL: optionalText,
    AUTH_GOOGLE_ID: optionalText,
    AUTH_GOOGLE_SECRET: optionalText,
    AUTH_GITHUB_ID: optionalText,
    AUTH_GITHUB_SECRET: optionalText,
    AUTH_LOCAL_IDP: z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional(),
    LOCAL_IDP_ISSUER: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default(DEFAULT_LOCAL_IDP_ISSUER),
    LOCAL_IDP_CLIENT_ID: z.string().trim().min(1).default(DEFAULT_LOCAL_IDP_CLIENT_ID),
    LOCAL_IDP_CLIENT_SECRET: optionalText,
    REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a Redis URL, e.g. redis://127.0.0.1:6379" }).optional(),
    SESSION_IDLE_TIMEOUT_MINUTES: z.coerce.number({ error: "must be a number of minutes" }).int().min(1).max(525_600).default(24 * 60),
    SESSION_MAX_AGE_DAYS: z.coerce.number({ error: "must be a number of days" }).int().min(1).max(400).default(30),
    SESSION_TOUCH_INTERVAL_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(1).max(3600).default(60),
    TRUST_PROXY: booleanFlag,
    SIGN_IN_RATE_LIMIT: z.coerce.number({ error: "must be a number of attempts" }).int().min(1).max(100_000).default(30),
    SIGN_IN_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(1).max(86_400).default(600),
    SIGN_IN_RATE_LIMIT_PER_ACCOUNT: z.coerce.number({ error: "must be a number of attempts" }).int().min(1).max(100_000).default(10),
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
      authSecret: raw.AUTH_SECRET,
      authUrl: raw.AUTH_URL,
      // Auth.js refuses requests whose Host it does not trust (to stop Host-header poisoning of its
      // redirect URLs). With AUTH_URL set it builds its URLs from that, not from Host; otherwise trust
      // Host in development, on Vercel, or when the deployer says so (AUTH_TRUST_HOST).
      trustHost: raw.AUTH_TRUST_HOST ?? (!isProduction || Boolean(raw.VERCEL) || Boolean(raw.AUTH_URL)),
      google: oauthCredentials(raw.AUTH_GOOGLE_ID, raw.AUTH_GOOGLE_SECRET),
      github: oauthCredentials(raw.AUTH_GITHUB_ID, raw.AUTH_GITHUB_SECRET),
      redisUrl: raw.REDIS_URL,
      adminEmails: raw.ADMIN_EMAILS,
      signInRateLimit: { points: raw.SIGN_IN_RATE_LIMIT, durationSeconds: raw.SIGN_IN_RATE_LIMIT_WINDOW_SECONDS },
      accountSignInRateLimit: { points: raw.SIGN_IN_RATE_LIMIT_PER_ACCOUNT, durationSeconds: raw.SIGN_IN_RATE_LIMIT_WINDOW_SECONDS },
      sessionLifetimes: {
        idleTimeoutMs: raw.SESSION_IDLE_TIMEOUT_MINUTES * 60 * 1000,
        absoluteLifetimeMs: raw.SESSION_MAX_AGE_DAYS * 24 * 60 * 60 * 1000,
        touchIntervalMs: raw.SESSION_TOUCH_INTERVAL_SECONDS * 1000,
      },
      // X-Forwarded-For is only believed behind a proxy that sets it (Vercel always does).
      trustProxy: raw.TRUST_PROXY ?? Boolean(raw.VERCEL),
      localIdp: localIdpEnabled(raw)
        ? {
            issuer: raw.LOCAL_IDP_ISSUER.replace(/\/$/, ""),
            clientId: raw.LOCAL_IDP_CLIENT_ID,
            clientSecret: raw.LOCAL_IDP_CLIENT_SECRET ?? "",
          }
        : undefined,
    };
  });

export type Env = z.output<typeof envSchema>;

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
  if (raw.NODE_ENV === "production" && !present("AUTH_URL") && !present("AUTH_TRUST_HOST") && !present("VERCEL")) {
    problems.push(
      "AUTH_URL is missing: in production set it to the app's public origin (or AUTH_TRUST_HOST=true behind a proxy that sets Host)",
    );
  }
  return problems;
}

function oauthCredentials(clientId?: string, clientSecret?: string) {
  return clientId && clientSecret ? { clientId, clientSecret } : undefined;
}

/** Thrown when the environment is wrong; `problems` holds one readable line per variable. */
export class EnvError extends Error {
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
