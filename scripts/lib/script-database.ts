// The database a one-off command (`npm run keys:rotate`, `npm run client:*`) works on: the app's own.
import nextEnv from "@next/env";

import { EnvError } from "../../server/env-schema";
import { REPO_ROOT } from "./prisma-cli";

/**
 * Reads the .env files Next.js and `npm run dev` read (so the command lands where the app looks), then
 * gives DATABASE_URL, or without it in development the embedded PostgreSQL like `npm run db:*`.
 * `stop` is set when the embedded database was started here: call it before exiting.
 * @throws {EnvError} in production without DATABASE_URL.
 */
export async function openScriptDatabase(): Promise<{ url: string; stop?: () => Promise<void> }> {
  const production = process.env.NODE_ENV === "production";
  // Its log goes to stderr: a command's stdout is for its answer.
  nextEnv.loadEnvConfig(REPO_ROOT, !production, { info: () => {}, error: console.error });
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) return { url: databaseUrl };
  if (production) throw new EnvError(["DATABASE_URL is missing: production needs a real PostgreSQL URL"]);
  // Imported here: PGlite is a development dependency, absent from a production install.
  const { embeddedDbPort, openEmbeddedDatabase } = await import("./open-embedded-database");
  const embedded = await openEmbeddedDatabase(embeddedDbPort(process.env.EMBEDDED_DB_PORT));
  return { url: embedded.url, stop: embedded.stop };
}
