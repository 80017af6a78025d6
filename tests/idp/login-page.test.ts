import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningLocalIdp } from "../../idp/server";
import { FakeBrowser, newPkceRequest } from "./fake-browser";
import { openLoginPage, startTestIdp, type LoginPage } from "./test-idp";

let idp: RunningLocalIdp;

beforeAll(async () => {
  idp = await startTestIdp();
});

afterAll(async () => {
  await idp.close();
});

async function freshLoginPage(): Promise<{ browser: FakeBrowser; loginPage: LoginPage }> {
  const browser = new FakeBrowser();
  return { browser, loginPage: await openLoginPage(browser, idp.issuer, newPkceRequest()) };
}

/** Asserts the page shows no server internals. */
function expectNoInternals(html: string): void {
  expect(html).not.toMatch(/\bat [^\s]+ \(.*:\d+:\d+\)/); // a stack frame
  expect(html).not.toContain("node_modules");
  expect(html).not.toContain("ZodError");
}

describe("login page", () => {
  it("has labelled fields, the verified box ticked, the seeded users and a cancel button", async () => {
    const { loginPage } = await freshLoginPage();
    const { html } = loginPage;
    expect(html).toContain('<label for="name">Name</label>');
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toMatch(/<input type="checkbox" id="email_verified" name="email_verified" checked>/);
    expect(html).toContain('<label for="email_verified">Email address is verified</label>');
    expect(html).toContain('<label for="sub">Subject (account id)</label>');
    expect(html).toContain(">Sign in</button>");
    for (const name of ["Ada Lovelace", "Grace Hopper", "Ada (work account)", "Mallory (unverified)"]) {
      expect(html).toContain(`>Sign in as ${name}</button>`);
    }
    expect(html).toContain(">Cancel</button>");
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it("is served with a CSP that allows no script and no external asset", async () => {
    const browser = new FakeBrowser();
    const start = await browser.request(new URL(`/auth?${new URLSearchParams({
      client_id: "gatehouse-test",
      redirect_uri: "http://localhost:3000/api/auth/callback/local",
      response_type: "code",
      scope: "openid",
      code_challenge: newPkceRequest().codeChallenge,
      code_challenge_method: "S256",
    })}`, idp.issuer));
    const page = await browser.request(new URL(start.headers.get("location") ?? "", idp.issuer));
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).not.toMatch(/https?:\/\/(?!localhost)/);
  });
});

describe("login form validation", () => {
  it("answers an invalid email with 400 and a readable message, keeping what was typed", async () => {
    const { browser, loginPage } = await freshLoginPage();
    const response = await browser.post(`${loginPage.url.href}/login`, { name: "Ada", email: "not-an-email", email_verified: "on" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("Enter a valid email address");
    expect(html).toContain('value="not-an-email"');
    expect(html).toContain('aria-invalid="true" aria-describedby="email-error"');
    expectNoInternals(html);
  });

  it("answers a missing name and a too-long name with 400", async () => {
    const { browser, loginPage } = await freshLoginPage();
    const missing = await browser.post(`${loginPage.url.href}/login`, { name: "   ", email: "ada@example.com" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Enter a name.");

    const tooLong = await browser.post(`${loginPage.url.href}/login`, { name: "a".repeat(101), email: "ada@example.com" });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain("The name must be at most 100 characters.");
  });

  it("refuses a subject with spaces", async () => {
    const { browser, loginPage } = await freshLoginPage();
    const response = await browser.post(`${loginPage.url.href}/login`, { name: "Ada", email: "ada@example.com", sub: "a b" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("no spaces");
  });

  it("refuses an unknown seeded user", async () => {
    const { browser, loginPage } = await freshLoginPage();
    const response = await browser.post(`${loginPage.url.href}/login`, { seed: "root" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("There is no such test user.");
  });

  it("escapes what was typed when it shows the form again", async () => {
    const { browser, loginPage } = await freshLoginPage();
    const response = await browser.post(`${loginPage.url.href}/login`, {
      name: '"><script>alert(1)</script>',
      email: "<img src=x onerror=alert(1)>",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("refuses a body over the size limit with 413", async () => {
    const { browser, loginPage } = await freshLoginPage();
    const response = await browser.post(`${loginPage.url.href}/login`, { name: "a".repeat(20_000), email: "ada@example.com" });
    expect(response.status).toBe(413);
    expectNoInternals(await response.text());
  });

  it("refuses a body that is not a url-encoded form with 415", async () => {
    const { browser, loginPage } = await freshLoginPage();
    const response = await browser.request(`${loginPage.url.href}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seed: "ada" }),
    });
    expect(response.status).toBe(415);
  });
});

describe("interaction routes as an attacker would try them", () => {
  it("refuses a login post that does not carry the interaction cookie (cross-site form post)", async () => {
    const { loginPage } = await freshLoginPage();
    const attacker = new FakeBrowser();
    const response = await attacker.post(`${loginPage.url.href}/login`, { seed: "ada" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    const html = await response.text();
    expect(html).toContain("This sign-in has expired");
    expectNoInternals(html);
  });

  it("refuses to complete an interaction other than the one bound to the browser's cookie", async () => {
    const { browser } = await freshLoginPage();
    const { loginPage: other } = await freshLoginPage();
    const response = await browser.post(`${other.url.href}/login`, { seed: "ada" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });

  it("answers unknown interaction paths with 404 and the wrong method with 405", async () => {
    const { browser, loginPage } = await freshLoginPage();
    expect((await browser.request(`${loginPage.url.href}/nope`)).status).toBe(404);
    expect((await browser.request(`${loginPage.url.href}/login`)).status).toBe(405);
  });
});
