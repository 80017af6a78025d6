// The embedded development database for a one-off command (`npm run db:*`, `npm run keys:rotate`):
// started for the command's duration, or, when a dev server already has it open, that server's.
import path from "node:path";

import pg from "pg";

import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres";
import { REPO_ROOT } from "./prisma-cli";

const DEFAULT_EMBEDDED_DB_PORT = 54329;
const EMBEDDED_DATA_DIR = path.join(REPO_ROOT, ".gatehouse", "pglite");

/** EMBEDDED_DB_PORT, or the default port `npm run dev` uses. */
export function embeddedDbPort(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_EMBEDDED_DB_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`EMBEDDED_DB_PORT must be a TCP port number (1-65535), not "${value}".`);
  }
  return port;
}

/** Whether a PostgreSQL server answers at `url` within a few seconds. */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The embedded database for this command: started here (then `stop` is set: call it before exiting), or
 * the one another process already serves.
 */
export async function openEmbeddedDatabase(port: number): Promise<{ url: string; stop?: EmbeddedPostgres["stop"] }> {
  try {
    process.stderr.write(`Starting the embedded PostgreSQL (${path.relative(process.cwd(), EMBEDDED_DATA_DIR) || "."}, port ${port})...\n`);
    return await startEmbeddedPostgres({ dataDir: EMBEDDED_DATA_DIR, port });
  } catch (error) {
    if (error instanceof EmbeddedPostgresError && error.code === "EMBEDDED_DB_IN_USE" && error.url && (await answers(error.url))) {
      process.stderr.write(`The embedded database is open in another process; using its server at ${error.url}\n`);
      return { url: error.url };
    }
    throw error;
  }
}
