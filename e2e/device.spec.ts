import type { Page } from "@playwright/test";

import { expect, test } from "./support/fixtures";
import { signInWithLocalId, uniqueIdentity } from "./support/local-idp";
import { tokenRequest } from "./support/oauth";

/*
 * The device authorization grant (RFC 8628) end to end: a device (here, this test) asks for a code,
 * a person approves it on /device in Chromium, and the device's next poll gets tokens that act for them.
 */

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const CLI_CLIENT_ID = "gatehouse-cli";

/** On /device: the code in the field (typed, or filled in from the link), then "Continue". */
async function continueWith(page: Page, code?: string) {
  const field = page.getByLabel("The code your device shows");
  if (code !== undefined) {
    await field.fill(code);
    await expect(field).toHaveValue(code);
  }
  await page.getByRole("button", { name: "Continue" }).click();
}

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

test.describe("the device authorization grant", () => {
  test("a signed-out person follows the link, signs in, approves, and the device's tokens act for them", async ({ browser, request }) => {
    const started = await request.post("/oauth/device_authorization", { form: { client_id: CLI_CLIENT_ID, scope: "profile notes:read" } });
    expect(started.status()).toBe(200);
    expect(started.headers()["cache-control"]).toContain("no-store");
    const device = (await started.json()) as DeviceAuthorization;
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(device.verification_uri).toMatch(/\/device$/);
    expect(device.verification_uri_complete).toBe(`${device.verification_uri}?user_code=${device.user_code}`);
    expect(device).toMatchObject({ expires_in: 600, interval: 5 });
    const poll = () => tokenRequest(request, { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: CLI_CLIENT_ID });
    expect((await (await poll()).json()).error).toBe("authorization_pending");

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(device.verification_uri_complete);
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fdevice%3Fuser_code%3D/);
    const identity = uniqueIdentity();
    await signInWithLocalId(page, identity);
    await expect(page).toHaveURL(`/device?user_code=${device.user_code}`);
    // The link only fills the code in: nothing is looked up (nor counted) until the person continues.
    await expect(page.getByLabel("The code your device shows")).toHaveValue(device.user_code);
    await continueWith(page);
    await expect(page.getByRole("heading", { name: "Gatehouse CLI wants to use your account" })).toBeVisible();
    await expect(page.getByText("Verified app")).toBeVisible();
    await expect(page.getByText("Read your notes")).toBeVisible();
    await expect(page.getByText("Create, change and delete your notes")).toHaveCount(0);
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("status")).toContainText("Approved");

    // Polled again only after its interval (or it is told to slow down).
    await new Promise((resolve) => setTimeout(resolve, device.interval * 1000));
    const answer = await poll();
    expect(answer.status()).toBe(200);
    const tokens = await answer.json();
    expect(tokens).toMatchObject({ token_type: "Bearer", scope: "profile notes:read" });
    const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect((await me.json()).user.email).toBe(identity.email);
    // Exactly once.
    expect((await (await poll()).json()).error).toBe("invalid_grant");
    // Decided: the link leads nowhere now, for anyone.
    await page.goto(device.verification_uri_complete);
    await continueWith(page);
    await expect(page.getByText(`No request has the code ${device.user_code}`)).toBeVisible();
    await context.close();
  });

  test("the code is typed in any case, with or without the dash", async ({ page, request, signInNewPerson }) => {
    await signInNewPerson();
    const device = (await (await request.post("/oauth/device_authorization", { form: { client_id: CLI_CLIENT_ID } })).json()) as DeviceAuthorization;
    await page.goto("/device");
    await continueWith(page, device.user_code.replace("-", "").toLowerCase());
    await expect(page.getByRole("heading", { name: "Gatehouse CLI wants to use your account" })).toBeVisible();
    await page.getByRole("button", { name: "Deny" }).click();
    await expect(page.getByRole("status")).toContainText("Denied");
  });

  test("wrong codes are limited per session: after five, even the right one is not looked up", async ({ page, request, signInNewPerson }) => {
    await signInNewPerson();
    // An address of its own, so the per-IP count (20) of the test run's other /device tests stays apart.
    await page.context().setExtraHTTPHeaders({ "X-Forwarded-For": `198.18.0.${Math.floor(Math.random() * 250) + 1}` });
    const device = (await (await request.post("/oauth/device_authorization", { form: { client_id: CLI_CLIENT_ID } })).json()) as DeviceAuthorization;
    await page.goto("/device");
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const code = `BCDF-${"BCDFGHJKLM"[attempt]}GHJ`;
      await continueWith(page, code);
      await expect(page.getByText(`No request has the code ${code}`)).toBeVisible();
    }
    await continueWith(page, device.user_code);
    await expect(page.getByText("Too many wrong codes")).toBeVisible();
    await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  });

  test("parallel guesses are all counted: the limit cannot be outrun", async ({ page, signInNewPerson }) => {
    await signInNewPerson();
    const address = `198.18.1.${Math.floor(Math.random() * 250) + 1}`;
    // Ten tabs of one session send a wrong code at the same moment; at most five can be looked up.
    const tabs = await Promise.all(Array.from({ length: 10 }, () => page.context().newPage()));
    await Promise.all(tabs.map((tab) => tab.setExtraHTTPHeaders({ "X-Forwarded-For": address }).then(() => tab.goto("/device"))));
    await Promise.all(tabs.map((tab, index) => continueWith(tab, `BCDF-GH${"BCDFGHJKLM"[index]}K`)));
    const answers = await Promise.all(tabs.map(async (tab) => (await tab.getByRole("alert").filter({ hasText: /No request|Too many/ }).textContent()) ?? ""));
    expect(answers.filter((answer) => answer.includes("No request"))).toHaveLength(5);
    expect(answers.filter((answer) => answer.includes("Too many"))).toHaveLength(5);
  });
});
