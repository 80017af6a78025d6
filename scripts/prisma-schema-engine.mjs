#!/usr/bin/env node
// @ts-check
/**
 * A drop-in replacement for Prisma's native schema engine, built on `@prisma/schema-engine-wasm`.
 *
 * Why it exists: `prisma migrate *` and `prisma db push` spawn a native `schema-engine` binary that the
 * CLI downloads from binaries.prisma.sh. Where that host is unreachable (this project's CI and sandboxes)
 * the binary cannot be had, and Prisma 7's `prisma.config.ts` has no option to use a driver adapter for
 * migrations. But the CLI runs whatever executable `PRISMA_SCHEMA_ENGINE_BINARY` names and talks to it
 * over JSON-RPC (one JSON object per line on stdin/stdout), so this script answers that protocol with the
 * same engine compiled to Wasm, connected to PostgreSQL through `@prisma/adapter-pg`. Migrations stay in
 * Prisma's own format and `_prisma_migrations` table, so the native engine (used wherever it can be
 * downloaded: Vercel, developers' machines) and this one are interchangeable.
 *
 * `scripts/lib/prisma-cli.ts` decides when to use it. Run by hand:
 *   PRISMA_SCHEMA_ENGINE_BINARY=scripts/prisma-schema-engine.mjs npx prisma migrate status
 *
 * How the CLI (prisma 7.10, build/cli.js) starts the engine, and what this script answers:
 * - `--version`: prints `schema-engine-cli <engine hash>` (used by `prisma version`).
 * - `--datasource {"url":...} cli <command>`: one-shot commands; `can-connect-to-database` (run before
 *   most commands), `create-database` (migrate dev / db push create a missing database), `drop-database`.
 *   Failures are reported as JSON log lines on stderr with an `error_code`, after one leading line that
 *   the CLI skips, and a non-zero exit. Done with plain `pg`: no Wasm needed.
 * - `[--datamodels <path>]... [--datasource <json>] [--enabled-preview-features a,b] [--extension-types
 *   <json>]`: JSON-RPC server. Requests come in on stdin; results and errors go out on stdout; the engine
 *   may itself send a `print` request (the CLI writes its `content` to stdout and answers `{}`). Logs go
 *   to stderr as JSON lines, as the native engine's do. The CLI closes stdin (and on Linux sends SIGTERM
 *   right after) when it is done.
 *
 * What the Wasm engine needs that the native one does not:
 * - the Wasm file loaded by hand with `WebAssembly.instantiate` (its JS glue `import`s the .wasm, which
 *   Node only allows behind --experimental-wasm-modules), with `globalThis.PRISMA_WASM_PANIC_REGISTRY`
 *   defined first: the glue writes panic messages into it;
 * - a driver adapter instead of a URL. `@prisma/adapter-pg` 7.10 cannot describe PostgreSQL's internal
 *   `"char"` type (OID 18, e.g. `pg_class.relkind`), which the engine reads whenever it inspects a live
 *   schema ("Column type 'char' could not be deserialized"): the wrapper below reports it as
 *   `ColumnTypeEnum.Character`. Its `executeScript` splits scripts on every `;` (breaking any `;` inside a
 *   string or function body); the wrapper sends the script whole, as the native engine does;
 * - a shadow database: adapter-pg would `CREATE DATABASE` one on the server, which single-database PGlite
 *   (our embedded default) cannot serve, so the shadow database is an in-memory PGlite instead;
 * - a schema even for `migrate diff`, which the CLI starts with none: a stub naming the provider; and a
 *   main connection even when there is no database URL (diffing files needs none): see
 *   `unconfiguredDatabase`;
 * - method names: the CLI's `getDatabaseVersion` is the engine's `version` (prisma 7.10 already sends
 *   `diff`, not `migrateDiff`; both are accepted), and the engine's `diff` returns the script instead
 *   of sending a `print` request, so it is sent on here;
 * - one engine for the whole session (it caches the schema of the migrations folder), and a second
 *   look at the migration history when `evaluateDataLoss`/`createMigration` find that cache empty
 *   (`migrate dev` with pending migrations), since they cannot reach the shadow database themselves.
 */

import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import pg from "pg";

// The Wasm engine, the adapters and PGlite are imported when first needed: the one-shot `cli`
// commands (run before most CLI commands) need only `pg`, and start faster without them.

const require = createRequire(import.meta.url);
const scriptDir = path.dirname(fileURLToPath(import.meta.url));

/** The schema the engine is given when the CLI passes none (`migrate diff`): it only needs the provider. */
const STUB_SCHEMA = 'datasource db {\n  provider = "postgresql"\n}\n';

/** What the Wasm engine (7.10) says when it wants a shadow database outside the adapter factory. */
const NO_SHADOW_FACTORY = "shadow DB must be provided through an external factory";

/** JSON-RPC error code the native engine uses for every engine error (details in `error.data`). */
const ENGINE_ERROR_CODE = 4466;

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

// ---------------------------------------------------------------------------------------------------
// Logging: stderr only, one JSON object per line, in the native engine's shape. The CLI parses these
// lines (it keeps `fields.message` for its error output), so nothing else may be written to stderr:
// Node's own warnings are reformatted too.

/**
 * @param {"ERROR" | "WARN" | "INFO" | "DEBUG"} level
 * @param {string} message
 * @param {Record<string, unknown>} [fields]
 */
function log(level, message, fields = {}) {
  const line = { timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target: "schema_engine" };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

process.removeAllListeners("warning");
process.on("warning", (warning) => log("WARN", `${warning.name}: ${warning.message}`));

// ---------------------------------------------------------------------------------------------------
// Arguments

/**
 * @typedef {{ url?: string; shadowDatabaseUrl?: string }} Datasource
 * @typedef {{ datamodels: string[]; datasource: Datasource; cliCommand?: string; version: boolean; help: boolean }} EngineArgs
 */

/** @param {string[]} argv @returns {EngineArgs} */
function parseArgs(argv) {
  /** @type {EngineArgs} */
  const args = { datamodels: [], datasource: {}, version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`Missing value after ${arg}`);
      return next;
    };
    switch (arg) {
      case "--datamodels":
        args.datamodels.push(value());
        break;
      case "--datasource":
        args.datasource = JSON.parse(value());
        break;
      case "--enabled-preview-features":
      case "--extension-types":
        value(); // PostgreSQL extensions and preview features need nothing from this engine
        break;
      case "--version":
      case "-V":
        args.version = true;
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      case "cli":
        args.cliCommand = value();
        break;
      default:
        throw new Error(`Unknown argument: ${arg}`);
    }
  }
  return args;
}

/** The folder of `@prisma/schema-engine-wasm` (its `exports` hide package.json and the .wasm file). */
function wasmPackageDir() {
  return path.dirname(require.resolve("@prisma/schema-engine-wasm"));
}

/** The engine's git hash, as in `@prisma/schema-engine-wasm`'s version `7.10.0-4.<hash>`. */
function engineHash() {
  const { version } = JSON.parse(readFileSync(path.join(wasmPackageDir(), "package.json"), "utf8"));
  return String(version).split(".").at(-1);
}

/** @param {Datasource} datasource */
function databaseUrl(datasource) {
  return datasource.url || process.env.DATABASE_URL || "";
}

// ---------------------------------------------------------------------------------------------------
// Plain `pg` operations: connection checks, creating and dropping databases, `db execute`.

/** @param {string} url */
function describeServer(url) {
  try {
    const parsed = new URL(url);
    return {
      host: decodeURIComponent(parsed.hostname) || "localhost",
      port: parsed.port || "5432",
      database: decodeURIComponent(parsed.pathname.slice(1)) || "postgres",
      user: decodeURIComponent(parsed.username) || "postgres",
    };
  } catch {
    return { host: "?", port: "?", database: "?", user: "?" };
  }
}

/** An error with a Prisma error code (https://www.prisma.io/docs/orm/reference/error-reference). */
class UserFacingError extends Error {
  /** @param {string} errorCode @param {string} message */
  constructor(errorCode, message) {
    super(message);
    this.name = "UserFacingError";
    this.errorCode = errorCode;
  }
}

/**
 * Translates a `pg` connection error into the code and wording the native engine uses, so the CLI
 * reacts the same way (P1003 makes `migrate dev` offer to create the database).
 * @param {unknown} error @param {string} url @returns {Error}
 */
function toUserFacingError(error, url) {
  const { host, port, database, user } = describeServer(url);
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "3D000":
      return new UserFacingError("P1003", `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`);
    case "28P01":
    case "28000":
      return new UserFacingError(
        "P1000",
        `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${host}\`.`,
      );
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
      return new UserFacingError(
        "P1001",
        `Can't reach database server at \`${host}:${port}\`\n\nPlease make sure your database server is running at \`${host}:${port}\`.`,
      );
    default:
      return error instanceof Error ? error : new Error(message);
  }
}

/**
 * Runs `fn` with a connected `pg` client on `url` (or on the maintenance database `postgres` of the
 * same server), and always closes it.
 * @template T
 * @param {string} url @param {(client: pg.Client) => Promise<T>} fn @param {{ maintenance?: boolean }} [options]
 * @returns {Promise<T>}
 */
async function withPgClient(url, fn, options = {}) {
  if (!url) throw new UserFacingError("P1012", "The datasource URL is empty: set DATABASE_URL (see prisma.config.ts).");
  let connectionString = url;
  if (options.maintenance) {
    const parsed = new URL(url);
    parsed.pathname = "/postgres";
    connectionString = parsed.toString();
  }
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {}); // a dropped connection is reported by the query that meets it
  try {
    await client.connect();
  } catch (error) {
    throw toUserFacingError(error, connectionString);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** @param {string} url */
async function checkConnection(url) {
  await withPgClient(url, (client) => client.query("SELECT 1"));
}

/** @param {string} name */
function quoteIdentifier(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

/** @param {string} url @returns {Promise<string>} the database name */
async function createDatabase(url) {
  const { database } = describeServer(url);
  await withPgClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(database)}`), { maintenance: true });
  return database;
}

/** @param {string} url */
async function dropDatabase(url) {
  const { database } = describeServer(url);
  await withPgClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`), { maintenance: true });
}

/**
 * One-shot `cli <command>` mode. The CLI reads errors from stderr: it skips the first line and parses
 * every other one as JSON, looking for `level: "ERROR"`, `target: "schema_engine::logger"` and
 * `fields.error_code` + `fields.message`.
 * @param {string} command @param {Datasource} datasource
 */
async function runCliCommand(command, datasource) {
  const url = databaseUrl(datasource);
  log("INFO", `Starting schema engine CLI (Wasm) for ${command}`, { git_hash: engineHash() });
  try {
    switch (command) {
      case "can-connect-to-database":
        await checkConnection(url);
        process.stdout.write("Connection successful\n");
        break;
      case "create-database":
        process.stdout.write(`Database '${await createDatabase(url)}' was successfully created.\n`);
        break;
      case "drop-database":
        await dropDatabase(url);
        process.stdout.write("The database was successfully dropped.\n");
        break;
      default:
        throw new Error(`Unknown CLI command: ${command}`);
    }
    return 0;
  } catch (error) {
    const line = {
      timestamp: new Date().toISOString(),
      level: "ERROR",
      fields: {
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof UserFacingError ? { error_code: error.errorCode } : {}),
      },
      target: "schema_engine::logger",
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------------
// Driver adapters for the Wasm engine

/**
 * Makes an adapter-pg queryable report `"char"` (OID 18) columns as `Character` instead of failing.
 * adapter-pg maps column types inside `queryRaw`, from the `pg` result its `performIO` returns: the
 * `"char"` fields are relabelled `text` there (values are one-character strings either way), and the
 * mapped types corrected afterwards. The result's `rows` array links the two calls.
 * @template {object} Q @param {Q} queryable @returns {Q}
 */
function reportCharAsCharacter(queryable, /** @type {number} */ characterColumnType) {
  const target = /** @type {any} */ (queryable);
  if (typeof target.performIO !== "function" || typeof target.queryRaw !== "function") return queryable;
  /** @type {WeakMap<unknown[], number[]>} */
  const charColumns = new WeakMap();
  const performIO = target.performIO;
  const queryRaw = target.queryRaw;
  target.performIO = async function (/** @type {unknown} */ query) {
    const result = await performIO.call(this, query);
    if (!result?.fields) return result;
    /** @type {number[]} */
    const indexes = [];
    result.fields = result.fields.map((/** @type {{ dataTypeID: number }} */ field, /** @type {number} */ i) => {
      if (field.dataTypeID !== PG_CHAR_OID) return field;
      indexes.push(i);
      return { ...field, dataTypeID: PG_TEXT_OID };
    });
    if (indexes.length > 0) charColumns.set(result.rows, indexes);
    return result;
  };
  target.queryRaw = async function (/** @type {unknown} */ query) {
    const resultSet = await queryRaw.call(this, query);
    for (const i of charColumns.get(resultSet.rows) ?? []) resultSet.columnTypes[i] = characterColumnType;
    return resultSet;
  };
  return queryable;
}

/**
 * The main database: adapter-pg over the datasource URL, with the `"char"` fix on the adapter and on
 * every transaction it opens, and scripts sent whole.
 * @param {string} url
 */
async function connectMainDatabase(url) {
  if (!url) return unconfiguredDatabase();
  const [{ PrismaPg }, { ColumnTypeEnum }] = await Promise.all([import("@prisma/adapter-pg"), import("@prisma/driver-adapter-utils")]);
  const schema = new URL(url).searchParams.get("schema") ?? undefined;
  const adapter = /** @type {any} */ (await new PrismaPg({ connectionString: url }, schema ? { schema } : undefined).connect());
  reportCharAsCharacter(adapter, ColumnTypeEnum.Character);
  const startTransaction = adapter.startTransaction;
  adapter.startTransaction = async function (/** @type {unknown[]} */ ...args) {
    return reportCharAsCharacter(await startTransaction.apply(this, args), ColumnTypeEnum.Character);
  };
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (/** @type {string} */ script) => {
    try {
      await pool.query(script); // simple query protocol: several statements, one implicit transaction
    } catch (error) {
      // A failing migration is reported with PostgreSQL's own code and message, as the native engine
      // does (adapter-pg would reduce "relation does not exist" to "No such table").
      const translated = await toDriverAdapterError(error);
      if (translated !== error) throw translated;
      adapter.onError(error); // not a PostgreSQL error (connection lost...): adapter-pg's translation; throws
    }
  };
  return adapter;
}

/**
 * Stands in for the main database when no URL is configured. The engine asks the main connection for
 * the server's version even when it only compares files (`migrate diff --from-migrations ...
 * --to-schema ...` needs nothing but the shadow database), so reads go to an empty in-memory PGlite;
 * anything that would change a database fails with P1012 instead of quietly using a throwaway one.
 */
function unconfiguredDatabase() {
  /** @type {Promise<any> | undefined} */
  let scratch;
  const fail = async () => {
    throw new UserFacingError("P1012", "The datasource URL is empty: set DATABASE_URL (see prisma.config.ts).");
  };
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    queryRaw: async (/** @type {unknown} */ query) => (await (scratch ??= connectShadowDatabase())).queryRaw(query),
    executeRaw: fail,
    executeScript: fail,
    startTransaction: fail,
    dispose: async () => {
      if (scratch) await (await scratch).dispose();
    },
  };
}

/** @param {string} name the package's version, read from its package.json (hidden by `exports`) */
function packageVersion(name) {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      if (manifest.name === name) return String(manifest.version);
    } catch {
      // not this folder
    }
    const parent = path.dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

/**
 * A fresh in-memory PGlite. Creating one runs initdb inside Wasm (5-7 s here, and `migrate dev` wants
 * two shadow databases), so the first one is saved as a data-directory snapshot under
 * node_modules/.cache and later ones start from it (about 1 s).
 */
async function newInMemoryPGlite() {
  const { PGlite } = await import("@electric-sql/pglite");
  const snapshotName = `pglite-${packageVersion("@electric-sql/pglite")}-empty.tar.gz`;
  const cacheDirs = [path.resolve(scriptDir, "..", "node_modules", ".cache", "prisma-schema-engine-wasm"), path.join(os.tmpdir(), "prisma-schema-engine-wasm")];
  for (const dir of cacheDirs) {
    const snapshot = await readFile(path.join(dir, snapshotName)).catch(() => undefined);
    if (!snapshot) continue;
    try {
      const db = new PGlite({ loadDataDir: new Blob([snapshot]) });
      await db.waitReady;
      return db;
    } catch (error) {
      log("WARN", `Ignoring the unreadable PGlite snapshot in ${dir}: ${error instanceof Error ? error.message : String(error)}`);
      await rm(path.join(dir, snapshotName), { force: true });
    }
  }
  const db = new PGlite();
  await db.waitReady;
  const snapshot = Buffer.from(await (await db.dumpDataDir("gzip")).arrayBuffer());
  for (const dir of cacheDirs) {
    try {
      await mkdir(dir, { recursive: true });
      const temporary = path.join(dir, `${snapshotName}.${process.pid}.tmp`);
      await writeFile(temporary, snapshot);
      await rename(temporary, path.join(dir, snapshotName)); // atomic: concurrent engines never read half a file
      break;
    } catch {
      // read-only location: try the next one, or go without a snapshot
    }
  }
  return db;
}

/**
 * The shadow database: an in-memory PGlite, disposed of with its adapter. pglite-prisma-adapter's
 * `executeScript` does not await the script (its errors would surface as unhandled rejections), so it
 * is replaced.
 */
async function connectShadowDatabase() {
  const [{ PrismaPGlite }, db] = await Promise.all([import("pglite-prisma-adapter"), newInMemoryPGlite()]);
  log("DEBUG", "Shadow database: in-memory PGlite started");
  const adapter = /** @type {any} */ (await new PrismaPGlite(db).connect());
  adapter.executeScript = async (/** @type {string} */ script) => {
    try {
      await db.exec(script);
    } catch (error) {
      throw await toDriverAdapterError(error);
    }
  };
  const dispose = adapter.dispose;
  adapter.dispose = async function () {
    await dispose.call(this);
    await db.close();
  };
  return adapter;
}

/** @param {unknown} error */
async function toDriverAdapterError(error) {
  const { DriverAdapterError } = await import("@prisma/driver-adapter-utils");
  const e = /** @type {{ code?: string; severity?: string; message?: string; detail?: string; column?: string; hint?: string }} */ (error);
  if (typeof e?.code !== "string" || typeof e.message !== "string") return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: e.code,
    severity: e.severity ?? "ERROR",
    message: e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
  });
}

/**
 * The adapter factory handed to the engine: the main database, and a new shadow database whenever the
 * engine asks (it disposes of each one itself).
 * @param {Datasource} datasource
 * @returns {import("@prisma/driver-adapter-utils").SqlMigrationAwareDriverAdapterFactory}
 */
function createAdapterFactory(datasource) {
  if (datasource.shadowDatabaseUrl) {
    log("WARN", "shadowDatabaseUrl is ignored by the Wasm schema engine: it uses an in-memory PGlite shadow database.");
  }
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => connectMainDatabase(databaseUrl(datasource)),
    connectToShadowDb: () => connectShadowDatabase(),
  };
}

// ---------------------------------------------------------------------------------------------------
// The Wasm engine

class PanicRegistry {
  message = "";
  get() {
    return this.message;
  }
  /** @param {string} message */
  set_message(message) {
    this.message = `RuntimeError: ${message}`;
  }
}

/** Loads `@prisma/schema-engine-wasm` without --experimental-wasm-modules. */
async function loadWasmEngine() {
  /** @type {any} */ (globalThis).PRISMA_WASM_PANIC_REGISTRY = new PanicRegistry();
  const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(wasmPackageDir(), "schema_engine_bg.wasm");
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { "./schema_engine_bg.js": glue });
  const exports = /** @type {any} */ (instance.exports);
  glue.__wbg_set_wasm(exports);
  exports.__wbindgen_start();
  return glue;
}

/**
 * Starts the Wasm engine. One engine serves every request, as the native engine does: it keeps a
 * cache of schemas computed from the migrations folder, which later requests depend on (see `serve`).
 * @param {[string, string][]} datamodels
 * @param {import("@prisma/driver-adapter-utils").ErrorCapturingSqlMigrationAwareDriverAdapterFactory} adapterFactory
 */
async function startEngine(datamodels, adapterFactory) {
  const { SchemaEngine } = await loadWasmEngine();
  const onLog = (/** @type {unknown} */ line) => {
    // The engine logs JSON lines like the native engine's stderr; pass them through unchanged.
    const text = typeof line === "string" ? line : JSON.stringify(line);
    process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
  };
  return SchemaEngine.new({ datamodels }, onLog, adapterFactory);
}

/** The schema files the CLI named, or a stub when it named none. @param {EngineArgs} args */
async function readDatamodels(args) {
  if (args.datamodels.length === 0) return /** @type {[string, string][]} */ ([["schema.prisma", STUB_SCHEMA]]);
  return Promise.all(args.datamodels.map(async (file) => /** @type {[string, string]} */ ([file, await readFile(file, "utf8")])));
}

// ---------------------------------------------------------------------------------------------------
// JSON-RPC server

/** @typedef {{ jsonrpc: "2.0"; id?: number | string | null; method?: string; params?: any; result?: unknown; error?: unknown }} RpcMessage */

/** @param {RpcMessage} message */
function send(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * Turns anything the engine or an adapter threw into the `error.data` the CLI understands:
 * `{ is_panic, message, error_code?, meta? }`.
 * @param {unknown} error
 * @param {{ consumeError(id: number): { error: unknown } | undefined } | undefined} errorRegistry
 */
function toRpcErrorData(error, errorRegistry) {
  const e = /** @type {any} */ (error);
  // A JS error thrown inside an adapter comes back from the engine as "External error id#<n>" (or
  // P2036 with `meta.id`): <n> is where bindMigrationAwareSqlAdapterFactory registered the original.
  const externalId = e?.code === "P2036" ? e?.meta?.id : /External error id#(\d+)/.exec(String(e?.message ?? ""))?.[1];
  if (externalId !== undefined && errorRegistry) {
    const original = errorRegistry.consumeError(Number(externalId))?.error;
    if (original) return toRpcErrorData(original, undefined);
  }
  if (e instanceof WebAssembly.RuntimeError || e?.name === "RuntimeError") {
    const registry = /** @type {any} */ (globalThis).PRISMA_WASM_PANIC_REGISTRY;
    const message = registry?.get() || String(e?.message ?? e);
    // The CLI shows a panic's `error.message` (or `data.error.message`), with `data.message` as its trace.
    return { is_panic: true, message: e?.stack ? `${message}\n${e.stack}` : message, error: { message } };
  }
  if (e instanceof UserFacingError) return { is_panic: false, message: e.message, error_code: e.errorCode };
  if (e?.name === "DriverAdapterError" && e.cause) {
    const cause = e.cause;
    return { is_panic: false, message: cause.message ?? cause.originalMessage ?? JSON.stringify(cause) };
  }
  const message = typeof e?.message === "string" ? e.message : typeof e === "string" ? e : JSON.stringify(e);
  if (typeof e?.code === "string" && /^P\d{4}$/.test(e.code)) {
    return { is_panic: false, message, error_code: e.code, meta: e.meta };
  }
  if (e?.name === "SchemaConnectorError") return describeConnectorError(message);
  return { is_panic: false, message };
}

/**
 * The Wasm engine reports database errors as `SchemaConnectorError`s: "external connector error", the
 * database's message, then a trace of engine spans. The native engine turns a failed migration into
 * P3018 with the migration's name; do the same, and keep the trace out of the message (it is logged).
 * @param {string} message
 */
function describeConnectorError(message) {
  const lines = message.split("\n");
  const traceStart = lines.findIndex((line) => /^\s+\d+: /.test(line));
  const summary = (traceStart === -1 ? lines : lines.slice(0, traceStart)).filter((line) => line !== "external connector error");
  const databaseError = summary.join("\n").trim();
  const migrationName = /migration_name="([^"]+)"/.exec(message)?.[1];
  if (migrationName && message.includes("apply_migration::apply_script")) {
    return {
      is_panic: false,
      error_code: "P3018",
      message: `A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\nMigration name: ${migrationName}\n\nDatabase error:\n${databaseError}`,
      meta: { migration_name: migrationName, database_error: databaseError },
    };
  }
  return { is_panic: false, message: migrationName ? `${databaseError}\n\nMigration name: ${migrationName}` : databaseError };
}

async function serve(/** @type {EngineArgs} */ args) {
  const { bindMigrationAwareSqlAdapterFactory } = await import("@prisma/driver-adapter-utils");
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(createAdapterFactory(args.datasource));
  /** @type {Promise<any> | undefined} */
  let enginePromise;
  const engine = () => (enginePromise ??= readDatamodels(args).then((datamodels) => startEngine(datamodels, adapterFactory)));

  let nextOutgoingId = 1;
  /** @type {Map<number, (message: RpcMessage) => void>} */
  const awaitingReply = new Map();

  /** Sends a request to the CLI (only `print` exists) and waits for its answer. */
  const request = (/** @type {string} */ method, /** @type {unknown} */ params) =>
    new Promise((resolve) => {
      const id = nextOutgoingId++;
      awaitingReply.set(id, resolve);
      send({ jsonrpc: "2.0", id, method, params });
    });

  /** The engine returns the script; the native engine sends it to the CLI as a `print` request. */
  const diff = async (/** @type {any} */ params) => {
    const { stdout, ...result } = await (await engine()).diff(params);
    // The CLI prints `content` plus a newline; dropping one here makes the output byte-for-byte what
    // Prisma's own Wasm code path writes (`process.stdout.write(stdout)`).
    if (stdout) await request("print", { content: stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout });
    return result;
  };
  const getDatabaseVersion = async (/** @type {any} */ params) => (await engine()).version(params ?? undefined);

  /** @type {Record<string, (params: any) => Promise<unknown>>} */
  const methods = {
    ensureConnectionValidity: async (params) => {
      const target = params?.datasource;
      await checkConnection(target?.tag === "ConnectionString" ? target.url : databaseUrl(args.datasource));
      return {};
    },
    getDatabaseVersion,
    version: getDatabaseVersion,
    createDatabase: async (params) => {
      const url = params?.datasource?.tag === "ConnectionString" ? params.datasource.url : databaseUrl(args.datasource);
      return { databaseName: await createDatabase(url) };
    },
    dbExecute: async (params) => {
      const target = params.datasourceType;
      const url = target?.tag === "url" ? target.url : databaseUrl(args.datasource);
      await withPgClient(url, (client) => client.query(params.script));
      return null;
    },
    diff,
    migrateDiff: diff,
    getDatabaseDescription: async () => {
      throw new Error("getDatabaseDescription is not supported by the Wasm schema engine.");
    },
    debugPanic: async () => (await engine()).debugPanic(),
  };
  for (const name of [
    "applyMigrations",
    "createMigration",
    "devDiagnostic",
    "diagnoseMigrationHistory",
    "evaluateDataLoss",
    "introspect",
    "introspectSql",
    "markMigrationApplied",
    "markMigrationRolledBack",
    "reset",
    "schemaPush",
  ]) {
    // Called as a method: the Wasm binding needs `this`.
    methods[name] = async (params) => (await engine())[name](params);
  }
  for (const name of ["evaluateDataLoss", "createMigration"]) {
    methods[name] = async (params) => {
      const instance = await engine();
      try {
        return await instance[name](params);
      } catch (error) {
        if (!String(/** @type {any} */ (error)?.message).includes(NO_SHADOW_FACTORY)) throw error;
        // These two read the schema of the migrations folder from a cache the engine fills when it
        // diagnoses the history (`devDiagnostic`), and cannot fall back to the shadow database
        // themselves. `migrate dev` on a database with pending migrations diagnoses the history
        // before applying them, so the entry for the whole folder is missing. Diagnose again (this
        // replays the folder into a shadow database and caches it), then retry.
        await instance.diagnoseMigrationHistory({ migrationsList: params.migrationsList, optInToShadowDatabase: true, filters: params.filters });
        return await instance[name](params);
      }
    };
  }

  // Requests run one at a time, in order, as with the native engine.
  let queue = Promise.resolve();
  /** @param {RpcMessage} message */
  const handle = async (message) => {
    const { id, method } = message;
    const handler = method ? methods[method] : undefined;
    if (!handler) {
      send({ jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${method}` } });
      return;
    }
    try {
      const result = await handler(message.params);
      send({ jsonrpc: "2.0", id, result: result ?? null });
    } catch (error) {
      const data = toRpcErrorData(error, adapterFactory.errorRegistry);
      const detail = error instanceof Error ? error.message : undefined;
      log("ERROR", data.message, { method, error_code: data.error_code, ...(detail && detail !== data.message ? { detail } : {}) });
      const summary = data.is_panic && data.error ? data.error.message : "An error happened. Check the data field for details.";
      send({ jsonrpc: "2.0", id, error: { code: ENGINE_ERROR_CODE, message: summary, data } });
    }
  };

  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on("line", (line) => {
    if (!line.trim()) return;
    /** @type {RpcMessage} */
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      queue = queue.then(() => send({ jsonrpc: "2.0", id: null, error: { code: -32700, message: `Parse error: ${line.slice(0, 200)}` } }));
      return;
    }
    if (message.method === undefined && typeof message.id === "number" && awaitingReply.has(message.id)) {
      awaitingReply.get(message.id)?.(message); // the CLI's answer to our `print`
      awaitingReply.delete(message.id);
      return;
    }
    queue = queue.then(() => handle(message));
  });
  input.on("close", () => {
    void queue.then(() => process.exit(0));
  });
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    log("ERROR", error instanceof Error ? error.message : String(error));
    return 1;
  }
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${engineHash()}\n`);
    return 0;
  }
  if (args.help) {
    process.stdout.write("Prisma schema engine (Wasm, driver adapters). Started by the Prisma CLI; see the header of this file.\n");
    return 0;
  }
  if (args.cliCommand) return runCliCommand(args.cliCommand, args.datasource);
  await serve(args);
  return undefined; // keeps running until stdin closes
}

// The CLI stops the engine with SIGTERM right after closing stdin: leave quietly.
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(130));
process.on("unhandledRejection", (reason) => {
  log("ERROR", `Unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
});

main().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error) => {
    log("ERROR", error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
