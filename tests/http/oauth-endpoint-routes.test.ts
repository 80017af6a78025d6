import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { routedFrom, routeOAuthEndpointsDirectly } from "@/server/http/oauth-endpoint-routes.cjs";

/*
 * The OAuth endpoints' public paths are mapped to their Pages Router routes before Next.js reads the
 * request (next.config.ts's rewrite, without its cost per request), and the route can still tell which
 * path the client asked for: a client cannot reach it by its internal path and pass for the endpoint.
 */
describe("a server with the OAuth endpoint routes hook installed", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    expect(routeOAuthEndpointsDirectly()).toBe(true);
    server = createServer((req, res) => res.end(JSON.stringify({ url: req.url, publicUrl: routedFrom(req) ?? null })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const seen = async (path: string) => (await fetch(`${base}${path}`, { method: "POST" })).json();

  it("routes each endpoint's exact path, query kept, and remembers the public one", async () => {
    for (const endpoint of ["token", "introspect", "revoke", "device_authorization"]) {
      expect(await seen(`/oauth/${endpoint}`)).toEqual({ url: `/api/oauth/${endpoint}`, publicUrl: `/oauth/${endpoint}` });
    }
    expect(await seen("/oauth/token?a=1&b=/oauth/token")).toEqual({ url: "/api/oauth/token?a=1&b=/oauth/token", publicUrl: "/oauth/token?a=1&b=/oauth/token" });
  });

  it("leaves every other path as it came, the internal route's included", async () => {
    for (const path of ["/oauth/authorize", "/oauth/tokenx", "/oauth/token/", "/oauth//token", "/oauth/%74oken", "/OAUTH/token", "/api/oauth/token", "/x/oauth/token"]) {
      expect(await seen(path), path).toEqual({ url: path, publicUrl: null });
    }
  });
});
