// The embedded PostgreSQL: PGlite (PostgreSQL compiled to Wasm) with its data on disk, served over TCP
// so that everything that speaks PostgreSQL's wire protocol (pg, @prisma/adapter-pg, the Prisma CLI's
// schema engine, psql) can use it. A fresh clone runs without installing a database server.
//
// PGlite runs one backend: every connection shares it and transactions run one at a time (see
// /work/shared/ENVIRONMENT.md, "Embedded PostgreSQL"). Only one process may open a data directory, so a
// lock file beside it names the process that has it and the URL it serves.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

import { keepProtocolBatchesTogether } from "./pglite-protocol-queue";

export type EmbeddedPostgresErrorCode = "EMBEDDED_DB_IN_USE" | "EMBEDDED_DB_PORT_IN_USE" | "EMBEDDED_DB_START_FAILED";

/** The embedded database could not be started; `code` says why. */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code: EmbeddedPostgresErrorCode,
    message: string,
    /** When another process already serves this data directory: its URL, usable as DATABASE_URL. */
    readonly url?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EmbeddedPostgresError";
  }
}

export interface EmbeddedPostgres {
  /** A postgresql:// URL for pg, @prisma/adapter-pg and the Prisma CLI. */
  url: string;
  /** Closes the server and the database (flushing it to disk) and releases the data directory. */
  stop(): Promise<void>;
}

interface LockFile {
  pid: number;
  url: string;
  startedAt: string;
}

/** Connections one server accepts; PGlite's socket server defaults to 1, too few for a pool. */
const MAX_CONNECTIONS = 50;

/**
 * Starts PGlite on `dataDir` (created, and initialised on first use: several seconds) and serves it on
 * `host:port` (default host 127.0.0.1: never exposed beyond this machine).
 *
 * The URL names user `postgres`, database `postgres` (PGlite has that one database and accepts any
 * credentials) and `sslmode=disable` (the socket server speaks no TLS).
 *
 * @throws {EmbeddedPostgresError} `EMBEDDED_DB_IN_USE` when another live process holds `dataDir` (its
 *   URL is in `error.url`); `EMBEDDED_DB_PORT_IN_USE` when something else listens on the port.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; host?: string }): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  const { port } = options;
  const dataDir = path.resolve(options.dataDir);
  const lockPath = `${dataDir}.lock`;
  const url = `postgresql://postgres:postgres@${host.includes(":") ? `[${host}]` : host}:${port}/postgres?sslmode=disable`;

  await mkdir(path.dirname(dataDir), { recursive: true });
  await acquireLock(lockPath, dataDir, { pid: process.pid, url, startedAt: new Date().toISOString() });

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    if (!(await isPortFree(port, host))) throw portInUseError(port, host);
    db = new PGlite(dataDir);
    await db.waitReady;
    server = new PGLiteSocketServer({ db, port, host, maxConnections: MAX_CONNECTIONS });
    keepProtocolBatchesTogether(server);
    await server.start().catch((error: unknown) => {
      throw isAddressInUse(error) ? portInUseError(port, host) : error;
    });
  } catch (error) {
    await server?.stop().catch(() => {});
    await db?.close().catch(() => {});
    await rm(lockPath, { force: true });
    if (error instanceof EmbeddedPostgresError) throw error;
    throw new EmbeddedPostgresError("EMBEDDED_DB_START_FAILED", `Could not start the embedded PostgreSQL in ${dataDir}: ${String(error)}`, undefined, {
      cause: error,
    });
  }

  let stopping: Promise<void> | undefined;
  const runningServer = server;
  const runningDb = db;
  return {
    url,
    stop: () =>
      (stopping ??= (async () => {
        await runningServer.stop();
        await runningDb.close();
        await rm(lockPath, { force: true });
      })()),
  };
}

/**
 * Takes the data directory's lock file, or explains who has it. A lock left by a process that has
 * died is stale and taken over. A live holder keeps it even before its server answers: PGlite's first
 * start (initdb) takes several seconds, and two processes on one data directory would corrupt it.
 */
async function acquireLock(lockPath: string, dataDir: string, lock: LockFile): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, JSON.stringify(lock), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readLock(lockPath);
    if (holder && isAlive(holder.pid)) {
      throw new EmbeddedPostgresError(
        "EMBEDDED_DB_IN_USE",
        `The embedded database in ${dataDir} is already open in process ${holder.pid} (a dev server or another \`npm run db:*\`), serving ${holder.url}. PGlite allows one process per data directory: stop that process, or use its server by setting DATABASE_URL=${holder.url}`,
        holder.url,
      );
    }
    await rm(lockPath, { force: true });
  }
  throw new EmbeddedPostgresError("EMBEDDED_DB_IN_USE", `Could not take the lock ${lockPath}: another process keeps creating it.`);
}

async function readLock(lockPath: string): Promise<LockFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, "utf8")) as Partial<LockFile>;
    return typeof parsed.pid === "number" && typeof parsed.url === "string" ? (parsed as LockFile) : undefined;
  } catch {
    return undefined; // unreadable: treat as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error) => (isAddressInUse(error) ? resolve(false) : reject(error)));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
}

function portInUseError(port: number, host: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    "EMBEDDED_DB_PORT_IN_USE",
    `Port ${port} on ${host} is already in use, so the embedded PostgreSQL cannot listen there. Stop whatever holds it, choose another port with EMBEDDED_DB_PORT, or point DATABASE_URL at a PostgreSQL server.`,
  );
}
