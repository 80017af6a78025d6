import { createServer, type Server } from "node:http";

import { e2eConfig } from "./support/config";
import { sessionByToken } from "./support/database";
import { expect, test } from "./support/fixtures";
import { sessionToken } from "./support/local-idp";

/*
 * Cross-site request forgery, as an attacker would try it: a page on another origin (another port on
 * localhost, which is the *same site*, so SameSite=Lax cookies travel with its requests) posts the
 * victim's browser into "Sign out everywhere". The proxy refuses it with 403 and nothing changes.
 */
const attackerPort = e2eConfig.attackerPort;

function serveAttackerPage(html: string): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  return new Promise((resolve) => server.listen(attackerPort, "127.0.0.1", () => resolve(server)));
}

test("a form posted from another origin is refused with 403 and changes nothing", async ({ page, context, baseURL, signInNewPerson }) => {
  await signInNewPerson();
  const token = (await sessionToken(context))!;

  // The attacker copies the server action's id from the page's markup (it is not a secret).
  await page.goto("/account/security");
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Sign out everywhere" }) });
  const actionField = await form.locator('input[type="hidden"][name^="$ACTION_ID_"]').getAttribute("name");
  expect(actionField).toBeTruthy();

  const attacker = await serveAttackerPage(`<!doctype html><title>Prize</title>
    <form method="post" enctype="multipart/form-data" action="${baseURL}/account/security">
      <input type="hidden" name="${actionField}" value="">
      <button>Claim your prize</button>
    </form>`);
  try {
    await page.goto(`http://localhost:${attackerPort}/`);
    const [response] = await Promise.all([
      page.waitForResponse((candidate) => candidate.url().startsWith(`${baseURL}/account/security`) && candidate.request().method() === "POST"),
      page.getByRole("button", { name: "Claim your prize" }).click(),
    ]);

    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "cross_site_request", message: expect.any(String) } });
    expect(await sessionByToken(token)).not.toBeNull();
  } finally {
    await new Promise((resolve) => attacker.close(resolve));
  }
  await page.goto("/account");
  await expect(page).toHaveURL("/account");
});

test("a state-changing request carrying the session cookie but no Origin is refused", async ({ page, context, baseURL, signInAs }) => {
  await signInAs("person");
  const token = (await sessionToken(context))!;

  const response = await page.request.post(`${baseURL}/account/security`, { form: { anything: "1" }, maxRedirects: 0 });

  expect(response.status()).toBe(403);
  expect(await sessionByToken(token)).not.toBeNull();
});

/*
 * Every path reaches the CSRF check but exactly the static files: the proxy's matcher once excluded any
 * path that merely began like one (`/favicon-ico`, `/favicon.ico.html`, `/_next/imagex`), where a
 * cross-site server-action POST got Next's 500 instead of our 403, and pages got no CSP.
 */
const PATHS_NEAR_STATIC_ONES = ["/favicon.ico", "/favicon-ico", "/favicon.ico.html", "/favicon.icox", "/_next/imagex", "/_next/staticx", "/_next/static", "/_next/image/x", "/x/favicon.ico", "/", "/account", "/no-such-page", "/api/v1/notes"];

test.describe("a cross-site POST is refused on every path that is not a static file", () => {
  for (const path of PATHS_NEAR_STATIC_ONES) {
    test(`cross-site POST to ${path} gets 403`, async ({ request, baseURL }) => {
      const response = await request.post(`${baseURL}${path}`, {
        headers: { origin: `http://localhost:${attackerPort}`, "sec-fetch-site": "same-site", "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" },
        data: "[]",
        maxRedirects: 0,
      });
      expect(response.status()).toBe(403);
      expect(await response.json()).toEqual({ error: { code: "cross_site_request", message: expect.any(String) } });
    });
  }

  test("pages whose paths resemble static files still get the CSP", async ({ request, baseURL }) => {
    for (const path of ["/favicon.ico", "/favicon-ico", "/favicon.ico.html", "/_next/imagex"]) {
      const response = await request.get(`${baseURL}${path}`, { maxRedirects: 0 });
      expect(response.headers()["content-security-policy"], path).toContain("script-src");
    }
  });
});
