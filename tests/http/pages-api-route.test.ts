import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { readBodyAtMost } from "@/server/http/read-body";

/*
 * The adapter that serves our web-standard handlers as Pages Router API routes, over a real socket as
 * Next.js calls it (Node's request and response; Next.js adds `req.query` and its request meta).
 */
vi.stubEnv("DATABASE_URL", "postgresql://postgres@127.0.0.1:9/unused");
vi.stubEnv("AUTH_SECRET", "s".repeat(40));
vi.stubEnv("LOCAL_IDP_CLIENT_SECRET", "s".repeat(40));
const { apiRoute } = await import("@/server/http/api-route");
const { pagesApiRoute, deferUntilPagesApiResponseSent } = await import("@/server/http/pages-api-route");
const { routeOAuthEndpointsDirectly } = await import("@/server/http/oauth-endpoint-routes.cjs");

const events: string[] = [];

const routes: Record<string, ReturnType<typeof pagesApiRoute>> = {
  "/api/refuses": pagesApiRoute("/api/refuses", "api", { GET: apiRoute(() => Response.json({ ok: true })) }),
  "/api/thing": pagesApiRoute("/api/thing/[id]", "api", {
    GET: apiRoute(async (request, context) => {
      const params = await context.params;
      return Response.json({ url: request.url, id: params.id ?? null, cookie: request.cookies.get("c")?.value ?? null }, { headers: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]] });
    }),
    POST: apiRoute(async (request) => {
      const tooLarge = () => Object.assign(new Error("too large"), { tooLarge: true });
      try {
        const body = await readBodyAtMost(request, 1024, { tooLarge, unreadable: () => new Error("unreadable") });
        deferUntilPagesApiResponseSent(async () => void events.push(`after ${body.byteLength}`));
        events.push("answered");
        return Response.json({ bytes: body.byteLength });
      } catch (error) {
        if ((error as { tooLarge?: boolean }).tooLarge) return Response.json({ error: "too large" }, { status: 413 });
        throw error;
      }
    }),
  }),
  "/oauth/token": pagesApiRoute("/oauth/token", "oauth", { POST: apiRoute(() => Response.json({ ok: true })) }),
};

let base: string;
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url!, "http://x");
  // As Next.js does: the URL it built, in its request meta; then, before the route runs, req.url
  // rewritten with a dynamic segment Next.js found missing (the literal "[id]") filled from the query.
  (req as unknown as Record<symbol, unknown>)[Symbol.for("NextInternalRequestMeta")] = { initURL: `http://public.example${req.url}` };
  if (url.pathname === "/api/thing/[id]" && url.searchParams.has("id")) req.url = `/api/thing/${url.searchParams.get("id")}${url.search}`;
  // /oauth/token arrives here as /api/oauth/token, mapped by the hook (as it is in the app); /api/thing/* is one route.
  const route = url.pathname === "/api/oauth/token" ? routes["/oauth/token"] : url.pathname.startsWith("/api/thing") ? routes["/api/thing"] : routes[url.pathname];
  void route!(req, res);
});

beforeAll(async () => {
  expect(routeOAuthEndpointsDirectly()).toBe(true);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("pagesApiRoute", () => {
  it("hands the handler the public URL, the route's params and the cookies, and sends every Set-Cookie", async () => {
    const response = await fetch(`${base}/api/thing/7?id=spoofed`, { headers: { cookie: "c=v" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: "http://public.example/api/thing/7?id=spoofed", id: "7", cookie: "v" });
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    // apiRoute's headers come through.
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(JSON.stringify({ url: "http://public.example/api/thing/7?id=spoofed", id: "7", cookie: "v" }))));
  });

  it("takes the route's params from its path alone, and answers nowhere but at its path", async () => {
    expect(await (await fetch(`${base}/api/thing/%37?other=1`)).json()).toMatchObject({ id: "7" });
    // Next.js serves the file's own name with the segment taken from the query: here the segment is the
    // path's, "[id]" (which no note id is), never the query's 7.
    for (const path of ["/api/thing/[id]?id=7", "/api/thing/%5Bid%5D?id=7"]) expect(await (await fetch(`${base}${path}`)).json(), path).toMatchObject({ id: "[id]" });
    for (const path of ["/api/thing?id=7", "/api/thing/7/8", "/api/thing/", "/api/thing/%E0"]) expect((await fetch(`${base}${path}`)).status, path).toBe(404);
  });

  it("drains a body it refused unread, so the next request on the connection is answered at once", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const send = (method: string, body?: Buffer) =>
        new Promise<{ status: number; ms: number }>((resolve, reject) => {
          const started = Date.now();
          const request = httpRequest(`${base}/api/refuses`, { method, agent, headers: body ? { "content-length": body.length } : {} }, (response) => {
            response.resume().on("end", () => resolve({ status: response.statusCode!, ms: Date.now() - started }));
          });
          request.on("error", reject);
          request.end(body);
        });
      const refused = await send("POST", Buffer.alloc(256 * 1024, "z"));
      expect(refused.status).toBe(405);
      const next = await send("GET");
      expect(next.status).toBe(200);
      // Without the drain the socket stops reading mid-body, and this waits for the keep-alive timeout (~5 s).
      expect(next.ms).toBeLessThan(2_000);
    } finally {
      agent.destroy();
    }
  });

  it("cuts the connection of a refused body still arriving a second after the answer, once the answer is out", async () => {
    const { answer, closedAfterMs } = await new Promise<{ answer: string; closedAfterMs: number }>((resolve, reject) => {
      const socket = connect(Number(new URL(base).port), "127.0.0.1", () => {
        socket.write("PUT /api/refuses HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n");
        const drip = setInterval(() => socket.writable && socket.write("a".repeat(1000)), 100);
        let answer = "";
        let answeredAt = 0;
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => {
          answer += chunk;
          answeredAt ||= Date.now();
        });
        socket.on("close", () => {
          clearInterval(drip);
          if (!answeredAt) reject(new Error("the connection closed with no answer"));
          resolve({ answer, closedAfterMs: Date.now() - answeredAt });
        });
      });
      socket.on("error", () => {}); // the cut may come as a reset: what matters is what arrived before it
    });
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it("answers a method fetch cannot carry (TRACE) with the 405, not a 500", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest(`${base}/api/thing/1`, { method: "TRACE" }, (response) => resolve(response.resume().statusCode!)).on("error", reject).end();
    });
    expect(status).toBe(405);
  });

  it("answers HEAD from GET, without the body", async () => {
    const response = await fetch(`${base}/api/thing/1`, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.text()).toBe("");
  });

  it("answers a method the route does not serve with 405 and Allow in the boundary's shape, and OPTIONS with 204", async () => {
    const put = await fetch(`${base}/api/thing/1`, { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
    expect(await put.json()).toMatchObject({ error: { code: "method_not_allowed" } });
    const get = await fetch(`${base}/oauth/token`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: "invalid_request" });
    const options = await fetch(`${base}/oauth/token`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("POST, OPTIONS");
  });

  it("answers an endpoint rewritten to it only at its public path", async () => {
    expect((await fetch(`${base}/oauth/token`, { method: "POST" })).status).toBe(200);
    const internal = await fetch(`${base}/api/oauth/token`, { method: "POST" });
    expect(internal.status).toBe(404);
    expect(await internal.json()).toMatchObject({ error: { code: "not_found" } });
    expect(internal.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("streams the body to the handler, and runs what it deferred once the answer is sent", async () => {
    events.length = 0;
    const response = await fetch(`${base}/api/thing/1`, { method: "POST", body: "x".repeat(1000) });
    expect(await response.json()).toEqual({ bytes: 1000 });
    await vi.waitFor(() => expect(events).toEqual(["answered", "after 1000"]));
  });

  it("can still answer when the handler stops reading a body over its limit (the socket is not destroyed)", async () => {
    // Chunked, with no Content-Length, so the limit is found while reading; the client keeps sending.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${base}/api/thing/1`, { method: "POST", headers: { "transfer-encoding": "chunked" } }, (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, body: text }));
      });
      request.on("error", reject);
      for (let i = 0; i < 64; i += 1) request.write("y".repeat(1024));
      request.end();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual({ error: "too large" });
  });

  it("shares the request context and the after-response queue with another copy of its modules (Next.js bundles one per router)", async () => {
    const first = await import("@/server/http/request-context");
    vi.resetModules();
    const second = await import("@/server/http/request-context");
    const secondAdapter = await import("@/server/http/pages-api-route");
    expect(second).not.toBe(first);
    first.runWithRequestContext({ userAgent: "ua", ip: "192.0.2.1" }, () => expect(second.currentRequestContext()).toEqual({ userAgent: "ua", ip: "192.0.2.1" }));
    events.length = 0;
    // A task scheduled through the other copy still waits for this copy's answer.
    const route = pagesApiRoute("/", "api", { GET: apiRoute(() => (secondAdapter.deferUntilPagesApiResponseSent(async () => void events.push("after")) ? Response.json({ deferred: true }) : Response.json({ deferred: false }))) });
    const server = createServer((req, res) => void route(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await response.json()).toEqual({ deferred: true });
      await vi.waitFor(() => expect(events).toEqual(["after"]));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
