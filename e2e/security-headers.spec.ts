import { expect, test } from "@playwright/test";

test("every page carries a nonce-based CSP and the other security headers", async ({ page }) => {
  const response = await page.goto("/");
  const headers = response!.headers();

  const csp = headers["content-security-policy"]!;
  const scriptSrc = csp.split(";").map((part) => part.trim()).find((part) => part.startsWith("script-src"))!;
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
  expect(nonce).toBeTruthy();
  expect(scriptSrc).not.toContain("unsafe-inline");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  // Next.js put this response's nonce on its own scripts.
  expect(await page.locator(`script[nonce]`).count()).toBeGreaterThan(0);
  const html = await response!.text();
  expect(html).toContain(`nonce="${nonce}"`);

  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["x-frame-options"]).toBe("DENY");
  // The end-to-end stack is a production build.
  expect(headers["strict-transport-security"]).toMatch(/^max-age=\d{8,}/);
});

test("each response gets a fresh nonce", async ({ request }) => {
  const nonceOf = async () => /'nonce-([^']+)'/.exec((await request.get("/signin")).headers()["content-security-policy"]!)?.[1];
  expect(await nonceOf()).not.toBe(await nonceOf());
});

test("the API answers carry the headers too", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});
