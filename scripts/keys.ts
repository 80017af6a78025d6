// The command behind `npm run keys:*`: the access-token signing keys.
//
//   tsx scripts/keys.ts rotate [--activate-in <seconds>]   adds a key to the SigningKey table: published at
//                                                          once, signing after the delay (default 600 s)
//   tsx scripts/keys.ts generate                           prints a new private JWK, as a JSON array for
//                                                          TOKEN_SIGNING_KEYS (no database)
//
// `rotate` reads DATABASE_URL, AUTH_SECRET and TOKEN_KEY_ENCRYPTION_KEY the way the app does (environment,
// then the .env files Next.js reads). Without DATABASE_URL (development) it uses the embedded PostgreSQL
// like `npm run db:*`, and AUTH_SECRET then comes from .gatehouse/auth-secret like `npm run dev`.
//
// No restart is needed: every app process reads the table again within a minute, and the new key only
// signs after the delay, by which time all of them, and the verifiers' cached JWK Sets, know it.
import { parseArgs } from "node:util";

import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "../generated/prisma/client";
import { EnvError, envSchema } from "../server/env-schema";
import { deriveKeyEncryptionKey } from "../server/tokens/key-encryption";
import { SigningKeyStoreError } from "../server/tokens/errors";
import { maxTokenLifetimeMs } from "../server/tokens/key-schedule";
import { createSigningKeyStore } from "../server/tokens/key-store";
import { generateSigningJwk } from "../server/tokens/signing-jwk";
import { readOrCreateLocalSecret } from "./lib/local-state";
import { openScriptDatabase } from "./lib/script-database";

const USAGE = "Usage: tsx scripts/keys.ts rotate [--activate-in <seconds>] | tsx scripts/keys.ts generate";
const DEFAULT_ACTIVATE_IN_SECONDS = 600;
/** Verifiers cache the JWK Set for 5 minutes and app processes the key table for 1: a shorter delay risks tokens they cannot verify yet. */
const SAFE_ACTIVATE_IN_SECONDS = 6 * 60;

/** The variables `rotate` needs, checked by the app's own rules (so the messages are the same). */
const keyEnvSchema = envSchema.in.pick({
  DATABASE_URL: true,
  AUTH_SECRET: true,
  TOKEN_KEY_ENCRYPTION_KEY: true,
  TOKEN_SIGNING_KEYS: true,
  ACCESS_TOKEN_TTL_SECONDS: true,
});

async function generate(): Promise<number> {
  const jwk = await generateSigningJwk();
  process.stdout.write(`${JSON.stringify([jwk])}\n`);
  process.stderr.write(
    `A new private signing key, kid ${jwk.kid}. Keep it secret. To use it, add it to TOKEN_SIGNING_KEYS after the current key, deploy, wait 10 minutes, then move it first.\n`,
  );
  return 0;
}

function activateInSeconds(value: string | undefined): number {
  if (value === undefined) return DEFAULT_ACTIVATE_IN_SECONDS;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seconds)) throw new UsageError(`--activate-in must be a whole number of seconds, not "${value}"`);
  return seconds;
}

async function rotate(activateIn: number): Promise<number> {
  const production = process.env.NODE_ENV === "production";
  const database = await openScriptDatabase();
  // Development keeps its AUTH_SECRET in .gatehouse/ (scripts/lib/app-stack.ts); so must we, or the
  // key would be sealed under a secret the app does not have.
  const authSecret = process.env.AUTH_SECRET || (production ? undefined : readOrCreateLocalSecret("auth-secret"));
  try {
    const parsed = keyEnvSchema.safeParse({ ...process.env, AUTH_SECRET: authSecret, DATABASE_URL: database.url });
    if (!parsed.success) throw new EnvError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
    const env = parsed.data;
    const lifetime = maxTokenLifetimeMs(env.ACCESS_TOKEN_TTL_SECONDS);

    if (env.TOKEN_SIGNING_KEYS) {
      // Throws, explaining how keys given by the environment are rotated.
      await createSigningKeyStore({ envKeys: env.TOKEN_SIGNING_KEYS, maxTokenLifetimeMs: lifetime }).rotate();
    }

    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5_000 }) });
    try {
      const store = createSigningKeyStore({
        db,
        encryptionKey: env.TOKEN_KEY_ENCRYPTION_KEY
          ? new Uint8Array(Buffer.from(env.TOKEN_KEY_ENCRYPTION_KEY, "base64url"))
          : deriveKeyEncryptionKey(env.AUTH_SECRET),
        activationDelayMs: activateIn * 1000,
        maxTokenLifetimeMs: lifetime,
      });
      const { kid, activatesAt } = await store.rotate();
      const { keys } = await store.publishedJwks();
      process.stdout.write(`Added signing key ${kid}: published now, signing from ${activatesAt.toISOString()} (in ${activateIn} s).\n`);
      process.stdout.write(`Published keys: ${keys.map((key) => key.kid).join(", ")}\n`);
      if (activateIn < SAFE_ACTIVATE_IN_SECONDS) {
        process.stderr.write(
          `Warning: it signs in under ${SAFE_ACTIVATE_IN_SECONDS} s. Verifiers cache the JWK Set for 5 minutes, so some may refuse its tokens until they fetch it again.\n`,
        );
      }
      return 0;
    } catch (error) {
      // P2021: the table does not exist, i.e. the database has not been migrated.
      if ((error as { code?: string }).code === "P2021") {
        throw new EnvError(["the SigningKey table is missing: migrate the database first (`npm run db:deploy`, or start `npm run dev` once)"]);
      }
      throw error;
    } finally {
      await db.$disconnect();
    }
  } finally {
    await database.stop?.();
  }
}

class UsageError extends Error {
  readonly code = "usage";
}

function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { "activate-in": { type: "string" } } });
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { positionals, values } = parsed;
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(USAGE);
  if (command === "generate" && values["activate-in"] === undefined) return generate();
  if (command === "rotate") return rotate(activateInSeconds(values["activate-in"]));
  throw new UsageError(USAGE);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Problems a person can fix get one clear message; anything else keeps its stack.
    const known = error instanceof EnvError || error instanceof SigningKeyStoreError || error instanceof UsageError || (error instanceof Error && error.name === "EmbeddedPostgresError");
    if (known) process.stderr.write(`${error instanceof EnvError ? error.problems.map((line) => `- ${line}`).join("\n") : error.message}\n`);
    else console.error(error);
    process.exitCode = known && error instanceof UsageError ? 2 : 1;
  },
);
