import "server-only";

import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";

import { NextRequest } from "next/server";

import { oauthErrorResponse } from "@/server/oauth/oauth-response";

import { ApiError, apiErrorResponse } from "./api-error";
import { apiRoute, unhandledErrorResponse } from "./api-route";
import { methodsNotAllowed } from "./methods-not-allowed";
import { routedFrom } from "./oauth-endpoint-routes.cjs";

/*
 * The API (/api/v1/*, /api/health, /api/cron/*) and the OAuth endpoints programs call (/oauth/token,
 * /introspect, /revoke, /device_authorization: next.config.ts rewrites them to /api/oauth/*) are served
 * as Pages Router API routes, through this adapter, rather than as App Router route handlers.
 *
 * Why: for a JSON endpoint the App Router's pipeline is most of the cost of a request. Measured here in
 * one stock Next.js 16 app (production build, autocannon, 10 connections), `{"ok":true}` from an App
 * Router route handler: ~1,350 requests/s; from a Pages Router API route: ~2,600; from a Pages Router API
 * route that builds a NextRequest and sends a web Response, as this adapter does: ~2,100. Nothing in
 * those endpoints uses what the App Router adds (React, caching, `headers()`), so they pay for what
 * they need: Node's request in, our handler, Node's response out.
 *
 * The handlers stay web-standard (NextRequest in, Response out) and wrapped in apiRoute as before, so the
 * code reads as route handlers do and any of them could move back. The file exports
 *
 *   export default pagesApiRoute("/api/v1/me", "api", { GET });
 *   export const config = { api: { bodyParser: false } };   // the handler reads its own body, within limits
 *
 * and this adapter answers only at the route's public path; answers the methods it leaves out (405 with
 * Allow in the endpoint's error shape, OPTIONS 204) and HEAD from GET without the body; and runs what the
 * request scheduled for after its answer (the audit log's writes) once it is sent.
 */

type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
type Context = { params: Promise<Record<string, string>> };
type Handler = (request: NextRequest, context: Context) => Response | Promise<Response>;
type PagesApiHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Methods the Fetch API will not build a request with (RFC 9110 allows them; we serve none of them). */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * @param path the one public path the route answers at, dynamic segments in brackets
 *   (`/api/v1/notes/[id]`, or `/oauth/token` for an endpoint next.config.ts rewrites here). Anything else
 *   that reaches the route is answered as no route at all: its internal path (/api/oauth/token), or the
 *   file's own name (`/api/v1/notes/[id]?id=...`, which Next.js serves with the segment taken from the
 *   query). So each endpoint has one address (its metadata's, its CSRF rule's), and the handler's
 *   `context.params` come from the path alone.
 */
export function pagesApiRoute(path: string, boundary: "api" | "oauth", handlers: Partial<Record<Method, Handler>>): PagesApiHandler {
  const pattern = compilePath(path);
  const served = Object.keys(handlers) as Method[];
  const refusals = methodsNotAllowed(served, boundary);
  const noSuchRoute: Handler = apiRoute(() => apiErrorResponse(new ApiError("not_found", "There is no such API route.")));

  return async (req, res) => {
    const method = (req.method ?? "GET").toUpperCase();
    const initUrl = initUrlOf(req);
    const url = publicUrlOf(req, initUrl);
    const params = paramsFromPath(pattern, url.split("?", 1)[0]!);
    const handler: Handler =
      params === null
        ? noSuchRoute
        : (handlers[method as Method] ?? (method === "HEAD" ? handlers.GET : undefined) ?? refusals[method as Method | "OPTIONS"] ?? refusals.POST);
    const queue: AfterResponseQueue = { tasks: [], closed: false };
    let response: Response;
    try {
      // A method fetch cannot carry only ever meets a refusal (server/http/refuse-malformed-paths.cjs
      // answers it first where that hook runs): its request is built as a GET, which the refusal ignores.
      const request = nextRequestFrom(req, new URL(url, initUrl ?? "http://n"), FORBIDDEN_METHODS.has(method) ? "GET" : method);
      const context: Context = { params: Promise.resolve(params ?? {}) };
      response = await afterResponseQueue().run(queue, () => handler(request, context));
    } catch (error) {
      // What apiRoute did not answer (the request itself could not be built): a 500 in the endpoint's shape, logged.
      response = unhandledErrorResponse(boundary === "oauth" ? oauthErrorResponse(error) : apiErrorResponse(error));
    }
    try {
      await send(res, response, method === "HEAD");
    } finally {
      // A body the handler left unread (a refusal, a 401) is drained, within limits.
      releaseBody(req);
      runAfterResponse(queue);
    }
  };
}

/**
 * Schedules a task to run once the current Pages API route's answer is sent. False outside one (the
 * caller then uses Next.js's `after()`, which the App Router provides and the Pages Router does not).
 */
export function deferUntilPagesApiResponseSent(task: () => Promise<void>): boolean {
  const queue = afterResponseQueue().getStore();
  if (!queue) return false;
  // Work started during a request can outlive it (a timer, a connection's loop) and still carry its
  // store: once the answer is sent, what it schedules runs at once.
  if (queue.closed) void task().catch(() => {});
  else queue.tasks.push(task);
  return true;
}

interface AfterResponseQueue {
  tasks: Array<() => Promise<void>>;
  closed: boolean;
}

/*
 * One queue store for the process, on globalThis: Next.js bundles this module once for the App Router
 * and once for the Pages Router, and the audit log (built once, by whichever copy came first) must see
 * the queue this copy opened.
 */
const QUEUE = Symbol.for("gatehouse.pagesApiAfterResponse");
function afterResponseQueue(): AsyncLocalStorage<AfterResponseQueue> {
  const global = globalThis as unknown as Record<symbol, AsyncLocalStorage<AfterResponseQueue> | undefined>;
  return (global[QUEUE] ??= new AsyncLocalStorage());
}

/** Runs the tasks, and on a host that lets a function outlive its answer (Vercel), keeps it alive for them. */
function runAfterResponse(queue: AfterResponseQueue): void {
  queue.closed = true;
  if (queue.tasks.length === 0) return;
  const done = Promise.allSettled(queue.tasks.splice(0).map((task) => task())).then(() => undefined);
  // Next.js's own `after()` hands its work to the host the same way (the request context it exposes).
  const requestContext = (globalThis as unknown as Record<symbol, { get?: () => { waitUntil?: (promise: Promise<unknown>) => void } | undefined } | undefined>)[
    Symbol.for("@next/request-context")
  ];
  requestContext?.get?.()?.waitUntil?.(done);
}

/**
 * The request as an App Router route handler would get it: the same URL (Next.js's own, with the
 * public host and scheme it worked out; the path as the client asked, before any rewrite or the
 * oauth-endpoint-routes.cjs hook), the headers as Node joined them, and the body as a stream that never destroys the socket (see requestBody).
 */
function nextRequestFrom(req: IncomingMessage, url: URL, method: string): NextRequest {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  // `duplex: "half"`: undici's requirement for a streamed body, not yet in TypeScript's RequestInit.
  const body = hasBody ? ({ body: requestBody(req), duplex: "half" } as { body: ReadableStream<Uint8Array> }) : {};
  return new NextRequest(url, { method, headers, ...body });
}

/** Next.js records the URL it built for the request (scheme and host included), before routing it, as `initURL`. */
function initUrlOf(req: IncomingMessage): URL | undefined {
  const initURL = (req as unknown as Record<symbol, { initURL?: string } | undefined>)[Symbol.for("NextInternalRequestMeta")]?.initURL;
  if (!initURL?.startsWith("http")) return undefined;
  try {
    return new URL(initURL);
  } catch {
    return undefined;
  }
}

/**
 * The path (and query) the client asked for. Not `req.url`: by the time a Pages Router route runs,
 * Next.js has rewritten it, filling a dynamic segment from the query (`/api/v1/notes/[id]?id=X` arrives
 * as `/api/v1/notes/X`). The OAuth hook's record comes first (it changed the URL Next.js saw), then the
 * URL Next.js built before routing (dot segments resolved, as WHATWG URLs do), then `req.url`.
 */
function publicUrlOf(req: IncomingMessage, initUrl: URL | undefined): string {
  return routedFrom(req) ?? (initUrl ? initUrl.pathname + initUrl.search : (req.url ?? "/"));
}

/**
 * The body as a web stream, read only if the handler reads it. Not `Readable.toWeb`: a handler that
 * stops reading (a body over its limit) cancels the stream, and destroying an unfinished IncomingMessage
 * destroys its socket, so the 413 could never be sent. And nothing is read before the handler asks:
 * Node discards an unread body once the answer is sent, but not one whose reading began (releaseBody
 * drains that).
 */
function requestBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  type Listener = Parameters<IncomingMessage["on"]>[1];
  const listeners: Array<[string, Listener]> = [];
  const listen = (event: string, listener: Listener) => {
    listeners.push([event, listener]);
    req.on(event, listener);
  };
  // Once the stream is closed, errored or cancelled, nothing more may reach its controller.
  const stopListening = () => {
    for (const [event, listener] of listeners.splice(0)) req.off(event, listener);
  };
  (req as RequestWithBodyStream)[STOP_BODY_STREAM] = stopListening;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!started) {
          started = true;
          listen("data", (chunk: Buffer) => {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            if ((controller.desiredSize ?? 0) <= 0) req.pause();
          });
          listen("end", () => {
            stopListening();
            controller.close();
          });
          const fail = (error: Error) => {
            stopListening();
            controller.error(error);
          };
          listen("error", fail);
          listen("close", () => {
            if (!req.complete) fail(new Error("The client went away before sending the whole body."));
          });
        }
        req.resume();
      },
      cancel() {
        stopListening();
        req.resume();
      },
    },
    { highWaterMark: 0 },
  );
}

const STOP_BODY_STREAM = Symbol("stopBodyStream");
type RequestWithBodyStream = IncomingMessage & { [STOP_BODY_STREAM]?: () => void };

/** How long a body still arriving after the answer is read and dropped before its connection is cut. */
const LINGER_MS = 1_000;

/**
 * After the answer: whatever of the body is still coming is read and dropped, so a client that sends
 * it all keeps its connection for the next request. One that is still sending a second later (a refused
 * upload as large as it likes) has its connection cut: by then it has had the answer, which closing at
 * once could have lost (unread data makes the kernel reset the connection).
 */
function releaseBody(req: IncomingMessage): void {
  (req as RequestWithBodyStream)[STOP_BODY_STREAM]?.();
  if (req.complete) return;
  req.resume();
  const timer = setTimeout(() => req.socket?.destroy(), LINGER_MS);
  timer.unref();
  const done = () => clearTimeout(timer);
  req.once("end", done);
  req.once("close", done);
}

/** A route's path, segment by segment: a literal, or a dynamic segment's name (`[id]`). */
type PathPattern = ReadonlyArray<{ literal: string } | { param: string }>;

function compilePath(path: string): PathPattern {
  return path.split("/").map((segment) => {
    const dynamic = /^\[(\w+)\]$/.exec(segment);
    return dynamic ? { param: dynamic[1]! } : { literal: segment };
  });
}

/**
 * The route's dynamic segments if `pathname` is a path of `pattern` (split on "/"; each segment compared
 * percent-decoded, as Next.js matches routes), else null.
 */
function paramsFromPath(pattern: PathPattern, pathname: string): Record<string, string> | null {
  const segments = pathname.split("/");
  if (segments.length !== pattern.length) return null;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    let segment: string;
    try {
      segment = decodeURIComponent(segments[index]!);
    } catch {
      return null;
    }
    if ("param" in expected) {
      if (segment === "") return null;
      params[expected.param] = segment;
    } else if (segment !== expected.literal) {
      return null;
    }
  }
  return params;
}

async function send(res: ServerResponse, response: Response, headOnly: boolean): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (headOnly || response.body === null) {
    await response.body?.cancel();
    res.end();
    return;
  }
  const body = await bytesOf(response.body);
  res.setHeader("content-length", body.byteLength);
  res.end(body);
}

/** The whole body, read chunk by chunk: a JSON answer is one chunk, and this is a third cheaper than `arrayBuffer()` here. */
async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
