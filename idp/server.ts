// Starts the local identity provider: an HTTP server in front of oidc-provider, with our interaction
// routes and a readiness probe beside it.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createAccountStore } from "./accounts";
import type { LocalIdpConfig } from "./config";
import { sendErrorPage } from "./errors";
import { createInteractionHandler, isInteractionPath } from "./interactions";
import { createLocalProvider } from "./provider";
import { generateCookieKeys, generateSigningJwks } from "./signing-keys";

export type LocalIdpServerOptions = Pick<LocalIdpConfig, "port" | "clientId" | "clientSecret" | "redirectUris"> & {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to http://localhost:<the port actually bound>, which is what a test with port 0 wants. */
  issuer?: string;
};

export interface RunningLocalIdp {
  issuer: string;
  close(): Promise<void>;
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** How long close() lets requests in flight finish before it drops their connections. */
const closeGraceMs = 3_000;

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function sendHealth(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "Content-Length": 2 });
  res.end(req.method === "HEAD" ? undefined : "ok");
}

/**
 * Starts the provider on `options.port` (0 for a free port) with fresh signing and cookie keys and an empty
 * account store (plus the seeded test users).
 *
 * @returns the issuer it serves and a `close()` that stops accepting connections and waits for the rest.
 */
export async function startLocalIdp(options: LocalIdpServerOptions): Promise<RunningLocalIdp> {
  const [jwks, cookieKeys] = await Promise.all([generateSigningJwks(), generateCookieKeys()]);

  // The issuer may depend on the port, known only once listening; until the provider exists, answer 503.
  let handle: RequestHandler = (_req, res) => {
    res.writeHead(503, { "Retry-After": "1" }).end();
  };
  const server = createServer((req, res) => handle(req, res));
  const address = await listen(server, options.port, options.host ?? "127.0.0.1");
  const issuer = options.issuer ?? `http://localhost:${address.port}`;

  const accounts = createAccountStore();
  const provider = createLocalProvider({
    issuer,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUris: options.redirectUris,
    jwks,
    cookieKeys,
    accounts,
  });
  const providerCallback = provider.callback();
  const handleInteraction = createInteractionHandler(provider, accounts);

  handle = (req, res) => {
    // Only the path: never resolve req.url against a base, "//host" would be read as another host.
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const handled =
      pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")
        ? Promise.resolve(sendHealth(req, res))
        : isInteractionPath(pathname)
          ? handleInteraction(req, res, pathname)
          : providerCallback(req, res);
    handled.catch((error: unknown) => sendErrorPage(res, error));
  };

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), closeGraceMs).unref();
      }),
  };
}
