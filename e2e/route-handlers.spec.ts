import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";

import { e2eConfig } from "./support/config";
import { expect, test } from "./support/fixtures";

/*
 * The proxy runs in front of the pages only; the route handlers (the API, the OAuth endpoints, the
 * /.well-known documents) guard themselves through apiRoute. These tests fail when a route handler
 * loses its CSRF check or its headers, and when a spelling that normalises to a page slips past the
 * proxy through an excluded prefix.
 */

/** A request whose path goes out exactly as written: no client-side normalisation of dot segments. */
function rawRequest(path: string, { method = "GET", headers = {}, body = method === "GET" ? undefined : "[]", chunks = 1 }: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: number } = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port: e2eConfig.appPort, path, method, headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    outgoing.on("error", reject);
    // Written in several pieces, the body goes out chunked, with no Content-Length to refuse it by.
    for (let piece = 1; piece < chunks; piece++) outgoing.write("x".repeat(64 * 1024));
    outgoing.end(body);
  });
}

test.describe("JSON answers", () => {
  const answers: Array<[string, string, number]> = [
    ["GET", "/api/v1/ping", 200],
    ["GET", "/api/v1/me", 401],
    ["GET", "/api/no-such-route", 404],
    ["DELETE", "/api/v1/no/such/route", 404],
    ["GET", "/api/health", 200],
    ["GET", "/.well-known/jwks.json", 200],
    ["GET", "/.well-known/oauth-authorization-server", 200],
    ["POST", "/oauth/token", 400],
    ["POST", "/oauth/revoke", 400],
    ["POST", "/oauth/introspect", 400],
  ];
  for (const [method, path, status] of answers) {
    test(`${method} ${path} carries the headers JSON needs, not a page's`, async ({ request }) => {
      const response = await request.fetch(path, { method, failOnStatusCode: false, maxRedirects: 0 });
      expect(response.status()).toBe(status);
      const headers = response.headers();
      expect(headers["content-type"]).toContain("application/json");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      // Opened as a document, a JSON answer runs nothing and cannot be framed.
      expect(headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(headers["strict-transport-security"]).toMatch(/^max-age=\d{8,}/);
      expect(headers["cache-control"]).toBeTruthy();
      // A page's headers, which mean nothing to JSON, are not sent (nor matched and replaced) on every call.
      expect(headers["referrer-policy"]).toBeUndefined();
      expect(headers["permissions-policy"]).toBeUndefined();
    });
  }

  for (const path of ["/API/v1/me", "/api", "/oauth/token/x", "/.well-known/JWKS.json"]) {
    test(`${path}, a near spelling of a route handler's path, is a page with a page's headers`, async ({ request }) => {
      const response = await request.get(path, { failOnStatusCode: false, maxRedirects: 0 });
      expect(response.status()).toBe(404);
      expect(response.headers()["content-type"]).toContain("text/html");
      expect(response.headers()["x-frame-options"]).toBe("DENY");
      expect(response.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(response.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
    });
  }

  test("a path that does not percent-decode is a 400 in the shape of where it points, never Next.js's 500", async () => {
    // Refused before anything else runs, the proxy and the session included: no cookie changes it.
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ["/api/v1/notes/%E0", { authorization: "Bearer x" }, /^\{"error":\{"code":"invalid_request"/],
      ["/api/%E0", {}, /^\{"error":\{"code":"invalid_request"/],
      ["/api/auth/%E0", {}, /^\{"error":\{"code":"invalid_request"/],
      ["/oauth/token%ZZ", {}, /^\{"error":"invalid_request"/],
      ["/admin/users/%ZZ", {}, /^Bad Request/],
      ["/%C0%AF", {}, /^Bad Request/],
    ];
    for (const [path, headers, body] of cases) {
      const answer = await rawRequest(path, { headers });
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatch(body);
      expect(answer.headers["x-content-type-options"], path).toBe("nosniff");
    }
  });

  test("an unknown API path is a JSON 404 in the API's error shape, not the HTML not-found page", async ({ request }) => {
    const response = await request.get("/api/v2/anything", { failOnStatusCode: false });
    expect(response.status()).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  test("credentials are never cached", async ({ request }) => {
    expect((await request.get("/api/v1/me", { failOnStatusCode: false })).headers()["cache-control"]).toContain("no-store");
    expect((await request.post("/oauth/token", { form: { grant_type: "refresh_token" }, failOnStatusCode: false })).headers()["cache-control"]).toBe("no-store");
  });
});

test.describe("the OAuth endpoints programs call, from another origin", () => {
  // No cookie authenticates them (the client does), so a program's own origin, a web app's or a TV's, is
  // no reason to refuse it: it gets the endpoint's answer in RFC 6749's shape, never the CSRF 403.
  const from = { Origin: "https://tv.example", "Sec-Fetch-Site": "cross-site" };

  test("device authorization answers with a device code", async ({ request }) => {
    const response = await request.post("/oauth/device_authorization", { form: { client_id: "gatehouse-cli", scope: "profile" }, headers: from, failOnStatusCode: false });
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({ device_code: expect.any(String), user_code: expect.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/) });
  });

  for (const path of ["/oauth/token", "/oauth/revoke", "/oauth/introspect"]) {
    test(`${path} answers in RFC 6749's shape`, async ({ request }) => {
      const response = await request.post(path, { form: { grant_type: "client_credentials", token: "x", client_id: "nobody" }, headers: from, failOnStatusCode: false });
      expect(response.status()).not.toBe(403);
      expect((await response.json()).error).toEqual(expect.any(String));
    });
  }
});

test.describe("the OAuth endpoints' routes", () => {
  // They are Pages Router API routes under /api/oauth/ (server/http/pages-api-route.ts), reached from
  // their public paths by oauth-endpoint-routes.cjs or, where that hook does not map a spelling, by
  // next.config.ts's rewrite.
  const form = { "content-type": "application/x-www-form-urlencoded" };

  test("a spelling Next.js normalises to /oauth/token reaches it through the rewrite, answered as the endpoint", async () => {
    const answer = await rawRequest("/oauth/./token", { method: "POST", headers: form, body: "grant_type=client_credentials&client_id=nobody" });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: "invalid_client" });
  });

  test("the internal path of an endpoint is no route: one address per endpoint", async () => {
    for (const path of ["/api/oauth/token", "/api/oauth/revoke", "/api/oauth/introspect", "/api/oauth/device_authorization", "/api/oauth/token?grant_type=client_credentials"]) {
      const answer = await rawRequest(path, { method: "POST", headers: form, body: "grant_type=client_credentials&client_id=gatehouse-cli" });
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body), path).toMatchObject({ error: { code: "not_found" } });
    }
  });
});

test("a note is reached at its own path only: the route file's name with the id in the query is no note", async ({ page, signInNewPerson }) => {
  await signInNewPerson();
  const created = await page.request.post("/api/v1/notes", { data: { title: "one address" }, headers: { Origin: e2eConfig.baseURL } });
  const { id } = (await created.json()) as { id: string };
  expect((await page.request.get(`/api/v1/notes/${id}`)).status()).toBe(200);
  for (const path of [`/api/v1/notes/[id]?id=${id}`, `/api/v1/notes/%5Bid%5D?id=${id}`]) {
    const answer = await page.request.get(path);
    expect(answer.status(), path).toBe(404);
    expect(await answer.json(), path).toMatchObject({ error: { code: "not_found" } });
  }
  const deleted = await page.request.delete(`/api/v1/notes/[id]?id=${id}`, { headers: { Origin: e2eConfig.baseURL } });
  expect(deleted.status()).toBe(404);
  expect((await page.request.get(`/api/v1/notes/${id}`)).status()).toBe(200);
});

test.describe("CSRF in the route handlers", () => {
  test("a note cannot be changed or deleted from another origin, nor without an origin, with the cookie", async ({ page, signInNewPerson }) => {
    await signInNewPerson();
    const created = await page.request.post("/api/v1/notes", { data: { title: "mine" }, headers: { Origin: e2eConfig.baseURL } });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const foreign = { Origin: `http://localhost:${e2eConfig.attackerPort}`, "Sec-Fetch-Site": "same-site" };
    const patched = await page.request.patch(`/api/v1/notes/${id}`, { data: { title: "forged" }, headers: foreign, failOnStatusCode: false });
    expect(patched.status()).toBe(403);
    expect(await patched.json()).toEqual({ error: { code: "cross_site_request", message: expect.any(String) } });
    expect((await page.request.delete(`/api/v1/notes/${id}`, { headers: foreign, failOnStatusCode: false })).status()).toBe(403);
    // A request with the cookie but neither Origin nor Sec-Fetch-Site is not a browser's form: refused too.
    expect((await page.request.delete(`/api/v1/notes/${id}`, { failOnStatusCode: false })).status()).toBe(403);

    const after = await page.request.get(`/api/v1/notes/${id}`);
    expect(after.status()).toBe(200);
    expect(await after.json()).toMatchObject({ id, title: "mine" });
  });
});

test.describe("signed out, a protected page sends each kind of request to sign in in a form it can follow", () => {
  const sameSite = { host: new URL(e2eConfig.baseURL).host, origin: e2eConfig.baseURL, "sec-fetch-site": "same-origin" };

  test("a GET is redirected with 307", async () => {
    const response = await rawRequest("/playground?tab=pair");
    expect(response.status).toBe(307);
    expect(response.headers.location).toBe("/signin?callbackUrl=%2Fplayground%3Ftab%3Dpair");
  });

  test("a server action called by the page's script gets Next's own redirect instruction, not an HTTP redirect fetch would follow", async () => {
    // An HTTP redirect would be followed by fetch, re-posting the action to /signin: the page then got
    // HTML it could not read, and stayed where it was (the playground's "Start over" after a sign-out).
    const response = await rawRequest("/playground", { method: "POST", headers: { ...sameSite, "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" } });
    expect(response.status).toBe(200);
    expect(response.headers["x-action-redirect"]).toBe("/signin?callbackUrl=%2Fplayground;push");
    expect(response.headers.location).toBeUndefined();
    expect(response.body).toBe("");
  });

  test("a form posted without script is redirected with 303, so the browser follows with a GET", async () => {
    const response = await rawRequest("/account/security", { method: "POST", headers: { ...sameSite, "content-type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe("/signin?callbackUrl=%2Faccount%2Fsecurity");
  });
});

test.describe("a POST Next.js would take for a server action, but answer with a 500, is refused first", () => {
  const host = new URL(e2eConfig.baseURL).host;
  const sameSite = { host, origin: e2eConfig.baseURL, "sec-fetch-site": "same-origin" };
  const action = { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" };

  test("an action whose Origin is ours but whose Host is another gets 403", async () => {
    // Our CSRF check compares Origin with our origin; Next.js compares it with Host and aborted with a 500.
    const response = await rawRequest("/signin", { method: "POST", headers: { ...sameSite, ...action, host: `127.0.0.1:${e2eConfig.appPort}` } });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ error: { code: "cross_site_request", message: expect.any(String) } });
  });

  test("a multipart body that does not parse gets 400", async () => {
    const response = await rawRequest("/", { method: "POST", headers: { ...sameSite, "content-type": "multipart/form-data; boundary=gatehouse" }, body: "not multipart at all" });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
  });

  test("a form over Next's 1 MB limit for actions gets 413, declared or chunked", async () => {
    // A form sent before the page's script ran (multipart, no Next-Action): Next.js read it, passed its
    // limit, and answered 500.
    const multipart = { ...sameSite, "content-type": "multipart/form-data; boundary=gatehouse" };
    const form = `--gatehouse\r\nContent-Disposition: form-data; name="note"\r\n\r\n${"a".repeat(1024 * 1024)}\r\n--gatehouse--\r\n`;
    const declared = await rawRequest("/", { method: "POST", headers: multipart, body: form });
    expect(declared.status).toBe(413);
    // 19 pieces of 64 KiB and a last one, with no Content-Length: refused once the copy passes the limit.
    const chunked = await rawRequest("/", { method: "POST", headers: multipart, chunks: 20 });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toEqual({ error: { code: "payload_too_large", message: expect.any(String) } });
  });

  test("a well-formed action Next.js does not know still gets Next's own 4xx", async () => {
    const response = await rawRequest("/signin", { method: "POST", headers: { ...sameSite, ...action } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

test.describe("a real server action called with arguments of its own is answered 4xx or as a form, never with a 500", () => {
  const host = new URL(e2eConfig.baseURL).host;
  const sameSite = { host, origin: e2eConfig.baseURL, "sec-fetch-site": "same-origin" };

  test("JSON arguments React cannot decode or apply get 400; a list of the wrong values reaches the action, which reads no form", async () => {
    // The sign-in form's action id is in the page (a form that works before the script has loaded).
    const page = await rawRequest("/signin");
    const actionId = /\$ACTION_ID_([0-9a-f]{40,42})/.exec(page.body)?.[1];
    expect(actionId, "the sign-in page's action id").toBeTruthy();
    const call = (body: string) => rawRequest("/signin", { method: "POST", headers: { ...sameSite, "next-action": actionId!, "content-type": "text/plain;charset=UTF-8" }, body });
    for (const body of ["{}", "null", '"x"', '["$Q1"]', '["$@1"]', '["$h1"]', '["$B1"]', '["$T"]', `${"[".repeat(10_000)}${"]".repeat(10_000)}`]) {
      const answer = await call(body);
      expect(answer.status, body.slice(0, 20)).toBe(400);
      expect(JSON.parse(answer.body), body.slice(0, 20)).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
    }
    // Decodable, but not a form: the action reads an empty one and sends the person back to sign in.
    for (const body of ["[1]", '[{"a":1}]', '["x"]']) expect((await call(body)).status, body).toBeLessThan(500);
    // A byte-order mark: React's JSON.parse fails on it, so the check must not drop it.
    expect((await call("\ufeff[]")).status).toBe(400);
    // Multipart read as Next.js reads it (busboy), not as the Fetch API would: a part with two names.
    const boundary = "gatehouse";
    const twoNames = `--${boundary}\r\nContent-Disposition: form-data; name="0"\r\nContent-Disposition: form-data; name="zz"\r\n\r\nnot json\r\n--${boundary}\r\nContent-Disposition: form-data; name="0"\r\n\r\n[]\r\n--${boundary}--\r\n`;
    const multipart = await rawRequest("/signin", { method: "POST", headers: { ...sameSite, "next-action": actionId!, "content-type": `multipart/form-data; boundary=${boundary}` }, body: twoNames });
    expect(multipart.status).toBe(400);
  });
});

test.describe("methods", () => {
  test("a route handler answers a method it does not serve with 405, Allow and its own error shape", async ({ request }) => {
    const api = await request.post("/api/v1/me", { failOnStatusCode: false });
    expect(api.status()).toBe(405);
    expect(api.headers()["allow"]).toBe("GET, HEAD, OPTIONS");
    expect(await api.json()).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
    expect(api.headers()["x-content-type-options"]).toBe("nosniff");
    const oauth = await request.get("/oauth/token", { failOnStatusCode: false });
    expect(oauth.status()).toBe(405);
    expect(oauth.headers()["allow"]).toBe("POST, OPTIONS");
    expect(await oauth.json()).toEqual({ error: "invalid_request", error_description: expect.any(String) });
    expect(oauth.headers()["cache-control"]).toContain("no-store");
  });

  test("a page is read or sent a form: PUT, PATCH and DELETE get 405 (Next.js rendered the page), OPTIONS names what it takes", async () => {
    const host = new URL(e2eConfig.baseURL).host;
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const answer = await rawRequest("/signin", { method, headers: { host, origin: e2eConfig.baseURL }, body: "" });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow, method).toBe("GET, HEAD, POST");
    }
    const options = await rawRequest("/oauth/authorize", { method: "OPTIONS", headers: { host }, body: "" });
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, HEAD, POST");
  });

  test("a method the app serves nowhere (TRACE, PROPFIND) is 405, not Next.js's 500 or empty 400", async () => {
    const trace = await rawRequest("/api/v1/me", { method: "TRACE", body: "" });
    expect(trace.status).toBe(405);
    expect(JSON.parse(trace.body)).toEqual({ error: { code: "method_not_allowed", message: expect.any(String) } });
    expect((await rawRequest("/account", { method: "PROPFIND", body: "" })).status).toBe(405);
  });

  test("a protocol upgrade is refused with 400 and the connection closed, not left open (a socket held per request)", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(e2eConfig.appPort, "127.0.0.1", () => socket.write("GET /does-not-exist HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"));
      let text = "";
      socket.setEncoding("utf8");
      socket.setTimeout(10_000, () => reject(new Error("the server left the upgrade open")));
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  });

  test("the asterisk form and an absolute form naming another host are 400; one naming this host is its path", async () => {
    expect((await rawRequest("*", { method: "OPTIONS", body: "" })).status).toBe(400);
    const elsewhere = await rawRequest("http://evil.example/admin", { headers: { host: new URL(e2eConfig.baseURL).host } });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.location).toBeUndefined();
    const own = await rawRequest(`${e2eConfig.baseURL}/api/v1/ping`, { headers: { host: new URL(e2eConfig.baseURL).host } });
    expect(own.status).toBe(200);
  });
});

test("a client-side navigation whose router state does not parse gets 400, not Next's 500", async () => {
  const headers = { host: new URL(e2eConfig.baseURL).host, rsc: "1", "next-router-state-tree": "%%%not-a-router-state" };
  let response = await rawRequest("/signin", { headers });
  // Next.js first sends an RSC request without its cache-busting `_rsc` parameter to the URL with it.
  if (response.status === 307) response = await rawRequest(response.headers.location!, { headers });
  expect(response.status).toBe(400);
  expect(response.body).toContain("Next-Router-State-Tree");
});

test.describe("an excluded prefix never leads to a page without the proxy", () => {
  // Each normalises to /account (or a page under it): Next.js matches the proxy on the normalised path.
  const spellings = ["/api/../account", "/api/%2e%2e/account", "/api/%2E%2E/account", "/api/.%2e/account", "/api/v1/me/../../../account", "/oauth/token/../../account", "/.well-known/jwks.json/../../account"];
  for (const path of spellings) {
    test(`GET ${path} signed out is sent to sign in`, async () => {
      const response = await rawRequest(path);
      expect(response.status).toBe(307);
      expect(response.headers.location).toBe("/signin?callbackUrl=%2Faccount");
    });

    test(`a cross-site server-action POST to ${path}/security gets 403`, async () => {
      const response = await rawRequest(`${path}/security`, {
        method: "POST",
        headers: { origin: `http://localhost:${e2eConfig.attackerPort}`, "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" },
      });
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body)).toEqual({ error: { code: "cross_site_request", message: expect.any(String) } });
    });
  }

  test("encoded slashes, case variants and suffixes are 404 pages with the page CSP, or JSON 404s", async () => {
    for (const path of ["/api/..%2faccount", "/API/v1/me", "/%61pi/v1/me", "/api%2fv1%2fme", "/oauth/token.rsc", "/api/v1/me;x"]) {
      const response = await rawRequest(path);
      expect(response.status, path).toBe(404);
      const csp = String(response.headers["content-security-policy"]);
      // A page's answer (HTML, or an RSC payload for `.rsc`) had the proxy in front of it.
      if (response.headers["content-type"]?.includes("application/json")) expect(csp, path).toBe("default-src 'none'; frame-ancestors 'none'");
      else expect(csp, path).toContain("script-src 'self' 'nonce-");
    }
  });
});
