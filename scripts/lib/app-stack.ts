import path from "node:path";

import nextEnv from "@next/env";

import { EnvError, parseEnv } from "../../server/env-schema";
import { localStateDir, randomSecret, readOrCreateLocalSecret, repoRoot } from "./local-state";
import { startProcess, waitForHttp, type RunningProcess } from "./processes";
import { ensureDevResourceServer } from "./dev-clients";
import { applyMigrations } from "./prisma-cli";

/**
 * Starts everything the app needs, in order: the database (embedded PostgreSQL when DATABASE_URL is
 * unset, outside production), its migrations, the local identity provider when it is on, then Next.js.
 * Used by `npm run dev`, `npm start` and the end-to-end tests, so all three run the same way.
 */
export interface StackOptions {
  mode: "dev" | "start";
  /** Variables that override `.env*` files and the process environment (the tests use this). */
  overrides?: Record<string, string>;
  /**
   * More app processes on these ports, sharing the database, Redis and IdP: how the tests show that a
   * revocation made through one process holds in another (`start` mode only).
   */
  extraAppPorts?: number[];
  /** Environment for those extra processes only, over the rest (the tests run one with no proxy in front). */
  extraAppOverrides?: Record<string, string>;
}

const DEFAULT_PORT = 3000;
const DEFAULT_EMBEDDED_DB_PORT = 54329;
const DEFAULT_LOCAL_IDP_PORT = 3001;

export async function runStack(options: StackOptions): Promise<number> {
  const production = options.mode === "start";
  nextEnv.loadEnvConfig(repoRoot, !production, { info: () => {}, error: console.error });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.overrides,
    NODE_ENV: production ? "production" : "development",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const port = Number(env.PORT ?? DEFAULT_PORT);
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error));
  };
  // Ctrl-C reaches npm, tsx and this process at once (and tsx relays it again): stop once, and ignore
  // the repeats rather than die halfway and leave the IdP or next-server running.
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stopAll().then(() => process.exit(0));
    });
  }

  try {
    if (!env.DATABASE_URL) {
      if (production) throw new EnvError(["DATABASE_URL is missing: production needs a real PostgreSQL URL"]);
      // Imported here: PGlite is a development dependency, absent from a production install.
      const { startEmbeddedPostgres } = await import("./embedded-postgres");
      const embedded = await startEmbeddedPostgres({
        dataDir: path.join(localStateDir, "pglite"),
        port: Number(env.EMBEDDED_DB_PORT ?? DEFAULT_EMBEDDED_DB_PORT),
      });
      cleanups.push(embedded.stop);
      env.DATABASE_URL = embedded.url;
      // PGlite serves every connection from one backend: two connections preparing one name would collide.
      env.DATABASE_PREPARED_STATEMENTS = "off";
      // ...and delivers no notification from one connection to another (server/database-notified-copy.ts).
      env.DATABASE_CHANGE_NOTIFICATIONS = "off";
      console.log(`[gatehouse] embedded PostgreSQL (PGlite) at ${embedded.url}, data in .gatehouse/pglite`);
    }
    // Development keeps a generated secret in .gatehouse/; production must be given one.
    if (!env.AUTH_SECRET && !production) env.AUTH_SECRET = readOrCreateLocalSecret("auth-secret");

    const localIdpOn = env.AUTH_LOCAL_IDP ? env.AUTH_LOCAL_IDP === "on" : !production;
    if (localIdpOn) {
      const idpPort = Number(env.LOCAL_IDP_PORT ?? DEFAULT_LOCAL_IDP_PORT);
      env.LOCAL_IDP_PORT = String(idpPort);
      env.LOCAL_IDP_ISSUER ??= `http://localhost:${idpPort}`;
      // Shared only by this app and its own IdP process, so a fresh one per start is enough.
      env.LOCAL_IDP_CLIENT_SECRET ??= randomSecret();
      const ports = [port, ...(options.extraAppPorts ?? [])];
      const origins = [
        ...(env.AUTH_URL ? [env.AUTH_URL.replace(/\/$/, "")] : []),
        ...ports.flatMap((appPort) => [`http://localhost:${appPort}`, `http://127.0.0.1:${appPort}`]),
      ];
      env.LOCAL_IDP_REDIRECT_URIS ??= origins.map((origin) => `${origin}/api/auth/callback/local`).join(",");
    }

    parseEnv(env); // Stop here, with one line per problem, before starting anything else.

    await applyMigrations(env.DATABASE_URL!);
    if (!production) {
      const resourceServer = await ensureDevResourceServer(env.DATABASE_URL!);
      console.log(
        `[gatehouse] introspection client for development: ${resourceServer.clientId}, secret in .gatehouse/resource-server-secret`,
      );
    }

    // If any of our processes dies, stop the others: a half-running stack only confuses.
    const watched: RunningProcess[] = [];
    if (localIdpOn) {
      const idp = startProcess("local identity provider", tsxBin(), [path.join(repoRoot, "idp", "main.ts")], env);
      cleanups.push(idp.stop);
      watched.push(idp);
      await waitForHttp(`${env.LOCAL_IDP_ISSUER!.replace(/\/$/, "")}/healthz`, idp);
    }

    // Repeated Authorization headers are joined, paths that do not percent-decode refused and each request
    // stamped with its socket address, from the first request on (server/http/repeated-authorization.ts,
    // refuse-malformed-paths.cjs, peer-address.cjs): loaded before Next.js listens, since Node parses a
    // request before any of Next's code runs.
    // The OAuth endpoints' paths are mapped to their routes first (oauth-endpoint-routes.cjs), so the
    // others (which wrap it: the last installed runs first) judge the path the client sent.
    const preloads = ["oauth-endpoint-routes.cjs", "join-repeated-authorization.cjs", "refuse-malformed-paths.cjs", "peer-address.cjs"].map((file) => `--require ${JSON.stringify(path.join(repoRoot, "server", "http", file))}`);
    const nextProcessEnv = {
      ...env,
      GATEHOUSE_PRELOAD_OAUTH_ENDPOINT_ROUTES: "1",
      GATEHOUSE_PRELOAD_JOIN_AUTHORIZATION: "1",
      GATEHOUSE_PRELOAD_REFUSE_MALFORMED_PATHS: "1",
      GATEHOUSE_PRELOAD_PEER_ADDRESS: "1",
      NODE_OPTIONS: [env.NODE_OPTIONS, ...preloads].filter(Boolean).join(" "),
    };
    for (const appPort of [port, ...(production ? (options.extraAppPorts ?? []) : [])]) {
      const processEnv = appPort === port ? nextProcessEnv : { ...nextProcessEnv, ...options.extraAppOverrides };
      const next = startProcess(`Next.js on port ${appPort}`, nextBin(), [production ? "start" : "dev", "--port", String(appPort)], processEnv);
      cleanups.push(next.stop);
      watched.push(next);
      // One at a time in production (each is up in about a second), so that when the last one answers,
      // all do.
      if (production) await waitForHttp(`http://localhost:${appPort}/api/health`, next, 60_000);
    }
    const code = await Promise.race(watched.map((running) => running.exited));
    await stopAll();
    return code;
  } catch (error) {
    await stopAll();
    // Problems a person can fix (configuration, a port or the embedded database already in use): one
    // clear message, no stack trace.
    if (error instanceof EnvError || (error instanceof Error && error.name === "EmbeddedPostgresError")) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

function tsxBin() {
  return path.join(repoRoot, "node_modules", ".bin", "tsx");
}

function nextBin() {
  return path.join(repoRoot, "node_modules", ".bin", "next");
}
