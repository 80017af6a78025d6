import { createServer, request, Server, type IncomingHttpHeaders } from "node:http";
import { connect, type AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { jsonSecurityHeaders } from "@/lib/security-headers";
import { isMalformedPath, isMalformedRouterState, refuseMalformedPaths } from "@/server/http/refuse-malformed-paths.cjs";

/*
 * A path that does not percent-decode (refuse-malformed-paths.cjs) is answered 400 before the app's
 * handler runs: Next.js would answer it with a bare 500 on every dynamic route.
 */

describe("isMalformedPath", () => {
  it.each(["/api/v1/notes/%E0", "/admin/users/%ZZ", "/%", "/a%2", "/%C0%AF", "/%ED%A0%80", "http://host/api/%E0?x=1"])("refuses %s", (target) => {
    expect(isMalformedPath(target)).toBe(true);
  });

  it.each(["/", "/api/v1/me", "/api/v1/notes/%2F", "/%25E0", "/caf%C3%A9", "/x?q=%E0", "/x#%ZZ", "/%e2%82%ac"])("lets %s through", (target) => {
    expect(isMalformedPath(target)).toBe(false);
  });
});

describe("isMalformedRouterState", () => {
  const tree = (state: unknown) => encodeURIComponent(JSON.stringify(state));

  it.each(["%%%", "not json", tree(["a", { b: 1 }]), tree("a string"), `${tree(["", {}])}, ${tree(["", {}])}`])("refuses an RSC request's router state %s", (state) => {
    expect(isMalformedRouterState({ rsc: "1", "next-router-state-tree": state })).toBe(true);
  });

  it("lets through a router state Next.js parses, and whatever comes without RSC: 1", () => {
    expect(isMalformedRouterState({ rsc: "1", "next-router-state-tree": tree(["", { children: ["signin", {}] }]) })).toBe(false);
    expect(isMalformedRouterState({ rsc: "1", "next-router-state-tree": tree(["", { children: [["id", "42", "d", null], {}, null, null, 1] }]) })).toBe(false);
    expect(isMalformedRouterState({ rsc: "1" })).toBe(false);
    expect(isMalformedRouterState({ "next-router-state-tree": "%%%" })).toBe(false);
  });
});

describe("an HTTP server with the check installed", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    expect(refuseMalformedPaths()).toBe(true);
    server = createServer((_request, response) => response.end("handled"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (path: string, method = "GET", headers: Record<string, string> = {}) =>
    new Promise<{ status: number; type: string | undefined; body: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const outgoing = request({ host: "127.0.0.1", port, path, method, headers }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, type: response.headers["content-type"], body, headers: response.headers }));
      });
      outgoing.on("error", reject);
      outgoing.end();
    });
  /** The answer without its headers, to compare whole. */
  const get = async (path: string, method = "GET") => {
    const { headers: _headers, ...answer } = await send(path, method);
    return answer;
  };

  it("answers a navigation whose router state does not parse with 400, and passes a parsable one on", async () => {
    const refused = await send("/account", "GET", { rsc: "1", "next-router-state-tree": "%%%" });
    expect(refused).toMatchObject({ status: 400, type: "text/plain; charset=utf-8", body: expect.stringContaining("Next-Router-State-Tree") });
    const state = encodeURIComponent(JSON.stringify(["", { children: ["account", {}] }]));
    expect(await send("/account", "GET", { rsc: "1", "next-router-state-tree": state })).toMatchObject({ status: 200, body: "handled" });
  });

  it("answers the OAuth endpoints' malformed paths in RFC 6749's shape, the API's in its own, the rest in plain text", async () => {
    expect(await get("/oauth/token%E0")).toEqual({ status: 400, type: "application/json", body: expect.stringContaining('"error":"invalid_request"') });
    const api = await get("/api/v1/notes/%E0");
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body)).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
    expect(await get("/admin/users/%ZZ")).toMatchObject({ status: 400, type: "text/plain; charset=utf-8" });
    expect(await get("/admin/users/%ZZ", "HEAD")).toMatchObject({ status: 400, body: "" });
  });

  it("sends the headers every JSON answer of ours carries (a plain-CommonJS copy of jsonSecurityHeaders: kept equal here)", async () => {
    const { headers } = await send("/api/v1/notes/%E0");
    for (const [name, value] of jsonSecurityHeaders({ production: process.env.NODE_ENV === "production" })) expect(headers[name.toLowerCase()], name).toBe(value);
    expect(headers["cache-control"]).toBe("no-store");
  });

  it("hands every well-formed path to the handler, and does not judge the query", async () => {
    for (const path of ["/api/v1/notes/abc", "/caf%C3%A9", "/x?q=%E0", "/api/v1/notes/%2F"]) expect(await get(path), path).toEqual({ status: 200, type: undefined, body: "handled" });
  });

  it("answers a method the app does not serve with 405 and the methods it does, in the shape of the path", async () => {
    const trace = await send("/api/v1/me", "TRACE");
    expect(trace).toMatchObject({ status: 405, type: "application/json" });
    expect(trace.headers.allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    expect(JSON.parse(trace.body)).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
    expect(await get("/oauth/token", "PROPFIND")).toMatchObject({ status: 405, body: expect.stringContaining('"error":"invalid_request"') });
    expect(await get("/account", "TRACE")).toMatchObject({ status: 405, type: "text/plain; charset=utf-8" });
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) expect((await get("/api/v1/me", method)).status, method).toBe(200);
  });

  it("refuses the asterisk form and an absolute form naming another host; takes one naming this host as its path", async () => {
    expect(await get("*", "OPTIONS")).toMatchObject({ status: 400 });
    expect(await get("http://evil.example/admin")).toMatchObject({ status: 400, body: expect.stringContaining("path on this host") });
    const { headers: _headers, ...own } = await send(`http://127.0.0.1:${port}/api/v1/notes/abc`, "GET", { host: `127.0.0.1:${port}` });
    expect(own).toEqual({ status: 200, type: undefined, body: "handled" });
    expect(await get(`http://127.0.0.1:${port}/api/v1/notes/%E0`)).toMatchObject({ status: 400, type: "application/json" });
    // Refused in the shape of the path it names; a Host with the scheme's default port names the same host.
    expect(await get("http://evil.example/api/v1/me")).toMatchObject({ status: 400, type: "application/json" });
    expect((await send("http://example.test/api/v1/ping", "GET", { host: "example.test:80" })).status).toBe(200);
  });

  it("refuses a protocol upgrade with 400 and closes the connection (Next.js left an unmatched one open)", async () => {
    server.on("upgrade", () => {
      throw new Error("the upgrade reached the server's own listener");
    });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write("GET /does-not-exist HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"));
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("end", () => resolve(text)); // closed by the server, not left open
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain("Connection: close");
  });

  const rawExchange = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(request));
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("end", () => resolve(text)); // closed by the server, not left open
      socket.on("error", reject);
    });

  it("refuses an upgrade to an API path in the API's JSON shape", async () => {
    const answer = await rawExchange("GET /api/v1/ping HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain("Content-Type: application/json");
    expect(JSON.parse(answer.split("\r\n\r\n")[1]!)).toMatchObject({ error: { code: "invalid_request" } });
  });

  it("answers CONNECT with 405 and Allow, as any method the app does not serve (Node would close the socket without a word)", async () => {
    for (const target of ["/api/v1/ping", "localhost:3300"]) {
      const answer = await rawExchange(`CONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
      expect(answer, target).toContain("Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }
  });

  it("installs once, however often it is called", () => {
    const emit = Server.prototype.emit;
    refuseMalformedPaths();
    expect(Server.prototype.emit).toBe(emit);
  });
});
