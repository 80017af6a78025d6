// Answers 400 to a request whose path is not valid percent-encoded UTF-8 (`/api/v1/notes/%E0`,
// `/admin/users/%ZZ`), before Next.js sees it. Next.js decodes a dynamic segment with
// decodeURIComponent, and in an App Router app its answer to the DecodeError is a bare 500 ("Internal
// Server Error", text/plain): every dynamic route, the API's JSON 404 catch-all among them, would
// answer hostile input with a server error. Such a path names nothing we serve, so it is refused here
// in the shape of the part of the site it was meant for (RFC 6749 §5.2 for the OAuth endpoints, the
// API's error body under /api/, plain text elsewhere). The query string is not checked: Next.js reads it
// with URLSearchParams, which decodes leniently.
//
// The same is done, and for the same reason, for a client-side navigation (an `RSC: 1` request) whose
// `Next-Router-State-Tree` header Next.js cannot parse: its answer is a bare 500 too, and the proxy
// cannot check it first, because Next.js strips that header from the requests it shows the proxy. And
// for what Node's parser lets through but Next.js answers with a 500 (or a bare 400): a method outside
// the seven the app serves (TRACE, PROPFIND, CONNECT, ...: 405 with the methods it does serve), the asterisk
// form (`OPTIONS *`: 400), and the absolute form (`GET http://host/path`) naming a host other than the
// request's `Host` (400; Next.js would redirect the client there). An absolute form naming this host is
// accepted as RFC 9112 §3.2.2 asks, as its path. A protocol upgrade (WebSocket, h2c) is refused: the app
// speaks HTTP only, and Next.js left an unmatched one hanging with its socket open. (An h2c client that
// would have gone on in HTTP/1.1 gets the 400 too: Next.js closed or held those as well.)
//
// Plain CommonJS, like join-repeated-authorization.cjs and for the same reason: the run scripts load it
// with `node --require` before Next.js listens, and instrumentation.ts installs it for hosts that start
// Next.js themselves. Its one dependency, Next.js's own parser of the router state (so the two cannot
// disagree), is loaded on the first navigation that carries one.
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded with `node --require` */
"use strict";

const { Server } = require("node:http");

const PATCHED = Symbol.for("gatehouse.refuseMalformedPaths");
const MESSAGE = "The request path is not valid percent-encoded UTF-8.";
const ROUTER_STATE_MESSAGE = "The Next-Router-State-Tree header is not a router state.";
const SERVED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const METHOD_MESSAGE = `This site answers ${SERVED_METHODS.join(", ")} only.`;
const TARGET_MESSAGE = "The request target must be a path on this host.";

/**
 * A request target Next.js would mishandle: the asterisk form, or an absolute form naming another host
 * than `Host`. An absolute form naming this host is rewritten to its path (the caller does so).
 * @returns "refuse", the origin-form path to use instead, or null to leave the target as it is.
 */
function targetProblem(target, host) {
  if (typeof target !== "string" || target.startsWith("/")) return null;
  if (!/^https?:\/\//i.test(target)) return "refuse";
  let url;
  try {
    url = new URL(target);
  } catch {
    return "refuse";
  }
  // `URL` drops a scheme's default port, so `Host: example.com:80` names the same host as http://example.com/.
  const defaultPort = url.protocol === "https:" ? ":443" : ":80";
  const named = typeof host === "string" ? host.toLowerCase().replace(new RegExp(`${defaultPort}$`), "") : null;
  if (named === null || url.host.toLowerCase() !== named) return "refuse";
  return `${url.pathname}${url.search}`;
}

/** The path a request target names (an absolute form's own), for the shape of a refusal. */
function pathOf(target) {
  if (typeof target !== "string" || target.startsWith("/")) return target;
  try {
    return new URL(target).pathname;
  } catch {
    return "";
  }
}

/** Whether the path of a request target (origin-form or absolute-form) fails to percent-decode. */
function isMalformedPath(target) {
  if (typeof target !== "string" || !target.includes("%")) return false;
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** Next.js's parser, once loaded; null when it could not be (the check is then skipped: see below). */
let parseRouterState;

/**
 * Next.js's own parser of the router state. It is an internal module: should an upgrade move it, the
 * check is skipped with one error in the log (Next's 500 for a malformed header comes back), rather than
 * every navigation failing or hanging on a throw from inside the server's `emit`.
 */
function routerStateParser() {
  if (parseRouterState === undefined) {
    try {
      parseRouterState = require("next/dist/server/app-render/parse-and-validate-flight-router-state").parseAndValidateFlightRouterState;
    } catch (error) {
      parseRouterState = null;
      console.error("[gatehouse] cannot load Next.js's router-state parser; malformed Next-Router-State-Tree headers are not refused:", error instanceof Error ? error.message : error);
    }
  }
  return parseRouterState;
}

/**
 * Whether a client-side navigation's router state is one Next.js would fail to parse (it then answers
 * 500). Only `RSC: 1` requests carrying the header are looked at. Next.js parses it on fewer of them (not
 * for a cached page, nor for some prefetches), so a malformed one is refused a little more widely than
 * Next.js would fail it; only hostile requests carry one.
 */
function isMalformedRouterState(headers) {
  const state = headers["next-router-state-tree"];
  if (state === undefined || headers.rsc !== "1") return false;
  const parse = routerStateParser();
  if (!parse) return false;
  try {
    parse(state);
    return false;
  } catch {
    return true;
  }
}

function refusalFor(path, message, status) {
  if (/^\/(?:oauth|\.well-known)\//i.test(path)) return { type: "application/json", body: JSON.stringify({ error: "invalid_request", error_description: message }) };
  if (/^\/api(?:\/|$)/i.test(path)) return { type: "application/json", body: JSON.stringify({ error: { code: status === 405 ? "method_not_allowed" : "invalid_request", message } }) };
  return { type: "text/plain; charset=utf-8", body: `${status === 405 ? "Method Not Allowed" : "Bad Request"}: ${message}\n` };
}

/** A refusal's body and headers, in the shape of the path it answers (for a response or a raw socket alike). */
function refusal(request, message, status, extraHeaders) {
  const { type, body } = refusalFor(pathOf(request.url), message, status);
  const headers = {
    ...extraHeaders,
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    // The body is read or not, the connection is not kept for another request that may be half sent.
    Connection: "close",
  };
  if (process.env.NODE_ENV === "production") headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  return { headers, body: request.method === "HEAD" ? "" : body };
}

function refuse(request, response, message, status = 400, extraHeaders = {}) {
  const { headers, body } = refusal(request, message, status, extraHeaders);
  response.writeHead(status, headers);
  response.end(body);
}

/**
 * Next.js's development server takes its hot-reload WebSocket at /_next/hmr; nothing else here speaks
 * another protocol. (In production Next.js left an upgrade to a path it did not match open forever, a
 * socket held per request: an easy way to run a server out of file descriptors.)
 */
function isDevelopmentUpgrade(request) {
  return process.env.NODE_ENV !== "production" && typeof request.url === "string" && /^(?:\/[^?]*)?\/_next\/hmr(?:[/?]|$)/.test(request.url);
}

/**
 * An upgrade's or a CONNECT's socket is the raw connection, outside Node's HTTP timeouts: the answer
 * (in the path's shape, as `refuse` gives it) is written to it whole, what the client still sends is
 * drained, and the socket is destroyed a second later even if the client never closes its side (Node's
 * server allows half-open sockets).
 */
function refuseOnSocket(request, socket, message, status, extraHeaders = {}) {
  const { headers, body } = refusal(request, message, status, extraHeaders);
  socket.on("error", () => {});
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref?.();
  socket.once("close", () => clearTimeout(timer));
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(`HTTP/1.1 ${status} ${status === 405 ? "Method Not Allowed" : "Bad Request"}\r\n${head}\r\n${body}`);
}

const UPGRADE_MESSAGE = "This site does not switch protocols.";
const CONNECT_HANDLED = Symbol.for("gatehouse.refuseConnect");

/**
 * CONNECT is a method the app does not serve, but Node never emits it as a request: it emits "connect",
 * and with no listener destroys the socket without a word. Each server gets a listener that answers it
 * as any other such method (405 with Allow).
 */
function answerConnect(server) {
  if (server[CONNECT_HANDLED]) return;
  server[CONNECT_HANDLED] = true;
  server.on("connect", (request, socket) => {
    // A server that tunnels CONNECT itself (a proxy in the same process) answers it; this is only for ours.
    if (server.listenerCount("connect") > 1) return;
    refuseOnSocket(request, socket, METHOD_MESSAGE, 405, { Allow: SERVED_METHODS.join(", ") });
  });
}

/** Installs the check on every HTTP server of this process (idempotent). @returns whether it is installed. */
function refuseMalformedPaths() {
  const prototype = Server.prototype;
  if (!prototype[PATCHED]) {
    const emit = prototype.emit;
    prototype.emit = function emitUnlessMalformed(event, request, response) {
      if (event === "connection") answerConnect(this);
      if (event === "upgrade" && !isDevelopmentUpgrade(request)) {
        refuseOnSocket(request, response, UPGRADE_MESSAGE, 400);
        return true;
      }
      if (event === "request") {
        if (!SERVED_METHODS.includes(request.method)) {
          refuse(request, response, METHOD_MESSAGE, 405, { Allow: SERVED_METHODS.join(", ") });
          return true;
        }
        const target = targetProblem(request.url, request.headers.host);
        if (target === "refuse") {
          refuse(request, response, TARGET_MESSAGE);
          return true;
        }
        if (target !== null) request.url = target;
        const refusal = isMalformedPath(request.url) ? MESSAGE : isMalformedRouterState(request.headers) ? ROUTER_STATE_MESSAGE : null;
        if (refusal) {
          refuse(request, response, refusal);
          return true;
        }
      }
      return emit.apply(this, arguments);
    };
    prototype[PATCHED] = true;
  }
  return prototype[PATCHED] === true;
}

module.exports = { isMalformedPath, isMalformedRouterState, refuseMalformedPaths, targetProblem };

// Loaded with `--require`: install at once.
if (process.env.GATEHOUSE_PRELOAD_REFUSE_MALFORMED_PATHS === "1") refuseMalformedPaths();
