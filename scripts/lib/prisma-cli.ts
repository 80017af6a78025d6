// Runs the project's own Prisma CLI (node_modules/prisma) with the right schema engine.
//
// `prisma migrate *` and `prisma db push` need a schema engine. Prisma downloads a native one at
// install or first use; where binaries.prisma.sh is unreachable (this project's CI and sandboxes) there
// is none, and scripts/prisma-schema-engine.mjs, the same engine compiled to Wasm, stands in for it.
import { spawn } from "node:child_process";
import { accessSync, chmodSync, constants, existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** The repository root: prisma.config.ts and the migrations are found from here. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The Wasm schema engine, for `PRISMA_SCHEMA_ENGINE_BINARY`. */
export const WASM_SCHEMA_ENGINE = path.join(REPO_ROOT, "scripts", "prisma-schema-engine.mjs");

const ENGINE_ENV = "PRISMA_SCHEMA_ENGINE_BINARY";
/** Older name the CLI still reads (with a deprecation warning). */
const LEGACY_ENGINE_ENV = "PRISMA_MIGRATION_ENGINE_BINARY";

/** The Prisma CLI exited with a non-zero code (or was killed by a signal). */
export class PrismaCliError extends Error {
  readonly code = "PRISMA_CLI_FAILED";

  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(`prisma ${args.join(" ")} ${signal ? `was stopped by ${signal}` : `exited with code ${exitCode}`}`);
    this.name = "PrismaCliError";
  }
}

/**
 * Runs `prisma <args>` from the repository root with inherited stdio, and resolves when it exits 0.
 *
 * The schema engine is chosen in this order:
 * 1. `PRISMA_SCHEMA_ENGINE_BINARY` (from `options.env`, else the environment) when set: honoured;
 * 2. a native engine where the CLI looks for one (installed by @prisma/engines' postinstall, or in
 *    Prisma's download cache): the variable stays unset and the CLI uses it, as on Vercel and on
 *    machines with internet access;
 * 3. otherwise the Wasm engine, scripts/prisma-schema-engine.mjs.
 *
 * @throws {PrismaCliError} when the CLI exits with a non-zero code.
 */
export async function runPrismaCli(args: string[], options: { env?: Partial<NodeJS.ProcessEnv> } = {}): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!env[ENGINE_ENV] && !env[LEGACY_ENGINE_ENV] && !findNativeSchemaEngine()) {
    env[ENGINE_ENV] = wasmSchemaEngine();
  }
  const child = spawn(process.execPath, [prismaCliEntry(), ...args], { cwd: REPO_ROOT, env, stdio: "inherit" });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, sig) => resolve([code, sig]));
  });
  if (exitCode !== 0) throw new PrismaCliError(args, exitCode, signal);
}

/**
 * Applies every pending migration in prisma/migrations to `databaseUrl` (`prisma migrate deploy`):
 * never generates a migration, never resets, safe for production and test databases.
 */
export async function applyMigrations(databaseUrl: string): Promise<void> {
  await runPrismaCli(["migrate", "deploy"], { env: { DATABASE_URL: databaseUrl } });
}

/** The CLI's entry point (the `prisma` bin), run with this Node. */
function prismaCliEntry(): string {
  const manifestPath = require.resolve("prisma/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: { prisma: string } };
  return path.join(path.dirname(manifestPath), manifest.bin.prisma);
}

/**
 * Where the CLI (prisma 7.10, build/cli.js) finds a native engine named `schema-engine-<target>`:
 * @prisma/engines' folder, prisma's package folder, node_modules, prisma/runtime; and Prisma's download
 * cache (`<cache>/prisma/master/<engine hash>/<target>/schema-engine`), which it copies from offline.
 */
export function findNativeSchemaEngine(): string | undefined {
  const prismaDir = path.dirname(require.resolve("prisma/package.json"));
  const installDirs = [prismaDir, path.dirname(prismaDir), path.join(prismaDir, "runtime")];
  try {
    installDirs.unshift(path.dirname(require.resolve("@prisma/engines/package.json", { paths: [prismaDir] })));
  } catch {
    // @prisma/engines missing: the CLI would fail anyway, and say why
  }
  for (const dir of installDirs) {
    const binary = listDir(dir).find((name) => name.startsWith("schema-engine-") && isNativeBinaryName(name));
    if (binary) return path.join(dir, binary);
  }
  const hash = engineHash();
  const cacheRoot = path.join(userCacheDir(), "prisma", "master", hash);
  for (const target of listDir(cacheRoot)) {
    for (const name of ["schema-engine", "schema-engine.exe"]) {
      const candidate = path.join(cacheRoot, target, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Engine file names are `schema-engine-<binary target>`; skip checksums and archives beside them. */
function isNativeBinaryName(name: string): boolean {
  return !/\.(sha256|sig|gz|tmp|lock)$/.test(name);
}

/** The engine's git hash, from the Wasm engine's version `7.10.0-4.<hash>` (the same one the CLI pins). */
function engineHash(): string {
  const manifest = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm")), "package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return version.split(".").at(-1) ?? version;
}

function userCacheDir(): string {
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Caches");
  if (process.platform === "win32") return process.env.LOCALAPPDATA ?? path.join(os.homedir(), "AppData", "Local");
  return process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The Wasm engine's path, made executable if a checkout or archive dropped the bit (the CLI execs it). */
function wasmSchemaEngine(): string {
  if (process.platform === "win32") {
    throw new Error(
      "No native Prisma schema engine is installed, and the Wasm stand-in cannot be started by the CLI on Windows. Run `npm install` with internet access (it downloads the engine), or use WSL.",
    );
  }
  try {
    accessSync(WASM_SCHEMA_ENGINE, constants.X_OK);
  } catch {
    chmodSync(WASM_SCHEMA_ENGINE, 0o755);
  }
  return WASM_SCHEMA_ENGINE;
}
