// The command behind `npm run db:*`: runs the Prisma CLI with every argument passed through.
//
//   tsx scripts/db.ts migrate dev --name add_x      tsx scripts/db.ts migrate status
//
// With DATABASE_URL set (in the environment or in the .env files Next.js reads), that database is
// used. Without it, the embedded PostgreSQL (PGlite, data in .gatehouse/pglite, port EMBEDDED_DB_PORT
// or 54329) runs for the duration of the command: the database `npm run dev` uses by default. If a dev
// server already has it open, that server is used instead. Commands that need no database (generate,
// format, validate, migrate diff between files) start nothing.
// Default import: @next/env is bundled CommonJS, whose named exports Node's ESM loader cannot see.
import nextEnv from "@next/env";

import { embeddedDbPort, openEmbeddedDatabase } from "./lib/open-embedded-database";
import { PrismaCliError, REPO_ROOT, runPrismaCli } from "./lib/prisma-cli";

/** Commands that never touch a database: no embedded server is started for them. */
const OFFLINE_COMMANDS = new Set(["generate", "format", "validate", "version", "-v", "--version", "help", "-h", "--help", "init"]);

/** Whether `prisma <args>` needs the datasource (for `migrate diff`, only with a *-config-datasource side). */
function needsDatabase(args: readonly string[]): boolean {
  const [command = "", subcommand] = args;
  if (OFFLINE_COMMANDS.has(command) || args.includes("--help") || args.includes("-h")) return false;
  if (command === "migrate" && subcommand === "diff") {
    return args.some((arg) => arg.startsWith("--from-config-datasource") || arg.startsWith("--to-config-datasource"));
  }
  return true;
}

async function main(args: string[]): Promise<number> {
  if (args.length === 0) {
    process.stderr.write("Usage: tsx scripts/db.ts <prisma arguments>, e.g. tsx scripts/db.ts migrate dev --name add_x\n");
    return 2;
  }
  // The same .env files Next.js and `npm run dev` read, so both see the same DATABASE_URL.
  nextEnv.loadEnvConfig(REPO_ROOT, process.env.NODE_ENV !== "production", { info: () => {}, error: console.error });
  const configuredUrl = process.env.DATABASE_URL;
  const embedded = !configuredUrl && needsDatabase(args) ? await openEmbeddedDatabase(embeddedDbPort(process.env.EMBEDDED_DB_PORT)) : undefined;

  // Ctrl-C reaches the Prisma CLI too (same process group); it decides, and the database is then
  // closed cleanly below rather than killed mid-write.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", ignore);
  try {
    await runPrismaCli(args, { env: embedded ? { DATABASE_URL: embedded.url } : {} });
    return 0;
  } catch (error) {
    if (error instanceof PrismaCliError) return error.exitCode ?? 1;
    throw error;
  } finally {
    await embedded?.stop?.();
    process.off("SIGINT", ignore);
    process.off("SIGTERM", ignore);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
