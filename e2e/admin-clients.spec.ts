import { query } from "./support/database";
import { expect, test } from "./support/fixtures";
import { basicAuthorization } from "./support/oauth";

/*
 * /admin/clients: the client registry in the browser. An admin registers a service, sees its secret
 * once, and the running app takes it at once; rotating and revoking take effect at once on this
 * instance (its client cache is told), and every change is audited with the admin's id.
 */

test("an admin registers a service, rotates its secret and revokes it, each taking effect at once and audited", async ({ page, request, signInAs }) => {
  const { userId: adminId } = await signInAs("admin");
  await page.goto("/admin/clients");
  const name = `Reporting service ${Date.now()}`;
  const form = page.getByRole("form", { name: "Register a client" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByRole("checkbox", { name: /^client_credentials/ }).check();
  await form.getByRole("checkbox", { name: /^notes:read/ }).check();
  await form.getByRole("button", { name: "Register client" }).click();

  const registered = page.getByRole("region", { name: `“${name}” registered` });
  await expect(registered).toBeVisible();
  const clientId = await registered.getByLabel("Client ID").inputValue();
  const secret = await registered.getByLabel("Client secret").inputValue();
  expect(secret).toMatch(/^ghs_[A-Za-z0-9_-]{43}$/);
  const grant = (clientSecret: string) =>
    request.post("/oauth/token", { form: { grant_type: "client_credentials" }, headers: { Authorization: basicAuthorization(clientId, clientSecret) }, failOnStatusCode: false });
  const first = await grant(secret);
  expect(first.status()).toBe(200);
  expect((await first.json()).scope).toBe("notes:read");

  // Rotate with no overlap: the old secret stops at once on this instance, the new one works.
  await registered.getByRole("button", { name: "Done, I have saved it" }).click();
  const row = page.getByRole("listitem", { name });
  await row.getByLabel("Old secret keeps working for").selectOption({ label: "none: the old secret stops now (it leaked)" });
  await row.getByRole("button", { name: "Rotate secret" }).click();
  const rotated = await row.getByLabel("New client secret").inputValue();
  expect(rotated).not.toBe(secret);
  expect((await grant(secret)).status()).toBe(401);
  expect((await grant(rotated)).status()).toBe(200);

  const { access_token } = await (await grant(rotated)).json();
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("listitem", { name })).toContainText("Revoked");
  expect((await grant(rotated)).status()).toBe(401);
  expect((await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${access_token}` }, failOnStatusCode: false })).status()).toBe(401);

  await expect
    .poll(async () => (await query<{ event: string }>(`SELECT event FROM "AuditEvent" WHERE "actorId" = $1 AND details->>'clientId' = $2 ORDER BY "createdAt"`, [adminId, clientId])).map((r) => r.event))
    .toEqual(["client_created", "client_secret_rotated", "client_revoked"]);
});

test("a client the registry refuses is not registered, and the form says why", async ({ page, signInAs }) => {
  await signInAs("admin");
  await page.goto("/admin/clients");
  const form = page.getByRole("form", { name: "Register a client" });
  const name = `Refused ${Date.now()}`;
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByRole("radio", { name: /^Public/ }).check();
  await form.getByRole("checkbox", { name: /^client_credentials/ }).check();
  await form.getByRole("button", { name: "Register client" }).click();
  await expect(form.getByRole("alert")).toContainText("not registered");
  await expect(form.getByText(/needs a confidential client/)).toBeVisible();
  expect(await query(`SELECT 1 FROM "Client" WHERE name = $1`, [name])).toHaveLength(0);
});
