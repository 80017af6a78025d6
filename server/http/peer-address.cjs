// Tells the app which address a request came from when no reverse proxy does (TRUST_PROXY_HOPS=0).
// Next.js does not expose the socket to route handlers, the proxy or server actions, and it keeps an
// X-Forwarded-For the client wrote, so without this a server facing the internet itself could not know
// any client's address: no per-IP rate limit would apply (the OAuth endpoints, sign-in, /device's wrong
// codes) and sessions would show no IP.
//
// Every request's headers get `x-gatehouse-peer-address: <secret> <socket address>` before Next.js reads
// them, replacing any such header the client sent. The secret is this process's, random at start, so a
// request that did not pass through this hook (a host that hands requests to Next.js another way, or a
// client guessing the header's name) cannot claim an address: peerAddressFrom finds no valid stamp.
//
// Plain CommonJS, like join-repeated-authorization.cjs and for the same reason: the run scripts load it
// with `node --require` before Next.js listens, and instrumentation.ts installs it for hosts that start
// Next.js themselves. Both copies share one secret through a global symbol.
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded with `node --require` */
"use strict";

const { randomBytes, timingSafeEqual } = require("node:crypto");
const { Server } = require("node:http");

const PATCHED = Symbol.for("gatehouse.stampPeerAddress");
const SECRET = Symbol.for("gatehouse.peerAddressSecret");
const HEADER = "x-gatehouse-peer-address";

/** This process's secret, the same for the copy loaded with --require and the one bundled by Next.js. */
function processSecret() {
  if (typeof globalThis[SECRET] !== "string") globalThis[SECRET] = randomBytes(24).toString("base64url");
  return globalThis[SECRET];
}

/** Stamps every request's headers with its socket's address on every HTTP server of this process (idempotent). */
function stampPeerAddresses() {
  const prototype = Server.prototype;
  if (!prototype[PATCHED]) {
    const secret = processSecret();
    const emit = prototype.emit;
    prototype.emit = function emitWithPeerAddress(event, socketOrRequest) {
      // Read as the connection opens: Node caches it then, while a client that resets the connection
      // right after sending its request would leave `remoteAddress` undefined by the time it is emitted.
      if (event === "connection") void socketOrRequest?.remoteAddress;
      if (event === "request") {
        const address = socketOrRequest.socket?.remoteAddress;
        // No address means the connection is already gone: nobody is left to answer, and a request
        // with no address must not escape the per-IP limits.
        if (!address) {
          socketOrRequest.socket?.destroy();
          return true;
        }
        // Assigning replaces what the client sent under this name (Node keeps one value per such header).
        socketOrRequest.headers[HEADER] = `${secret} ${address}`;
      }
      return emit.apply(this, arguments);
    };
    prototype[PATCHED] = true;
  }
  return prototype[PATCHED] === true;
}

/**
 * The address this process's hook stamped on a request (a Fetch API `Headers`), or null when the
 * request carries no valid stamp (the hook did not run for it, or the client forged one).
 */
function peerAddressFrom(headers) {
  const value = headers.get(HEADER);
  if (typeof value !== "string") return null;
  const secret = Buffer.from(processSecret());
  const space = value.indexOf(" ");
  const claimed = Buffer.from(space === -1 ? value : value.slice(0, space));
  if (space === -1 || claimed.length !== secret.length || !timingSafeEqual(claimed, secret)) return null;
  return value.slice(space + 1) || null;
}

module.exports = { PEER_ADDRESS_HEADER: HEADER, peerAddressFrom, stampPeerAddresses };

// Loaded with `--require`: install at once.
if (process.env.GATEHOUSE_PRELOAD_PEER_ADDRESS === "1") stampPeerAddresses();
