import { e2eConfig } from "./support/config";
import { query } from "./support/database";
import { expect, test } from "./support/fixtures";
import { signInWithLocalId, uniqueIdentity } from "./support/local-idp";

test("a signed-in person who is not an admin gets 403 on the admin pages", async ({ page, signInAs }) => {
  await signInAs("person");
  for (const path of ["/admin", "/admin/audit", "/admin/clients", "/admin/users/abc"]) {
    const response = await page.goto(path);
    expect(response!.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
});

test("a signed-out visitor to /admin goes to /signin", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin$/);
});

test("an admin from ADMIN_EMAILS finds a user, ends their session, and the audit log says who did it", async ({ page, browser, signInAs }) => {
  // The victim, in a browser of their own.
  const victim = uniqueIdentity();
  const victimContext = await browser.newContext();
  const victimPage = await victimContext.newPage();
  await victimPage.goto("/signin");
  await signInWithLocalId(victimPage, victim);
  await expect(victimPage).toHaveURL("/account");
  const [victimUser] = await query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [victim.email]);

  // The admin the setup project signed in (it ends only the victim's session).
  const { identity: admin, userId: adminId } = await signInAs("admin");
  expect(admin.email).toBe(e2eConfig.adminEmail);
  expect((await query<{ role: string }>(`SELECT role FROM "User" WHERE id = $1`, [adminId]))[0]!.role).toBe("admin");
  await expect
    .poll(async () => (await query<{ event: string }>(`SELECT event FROM "AuditEvent" WHERE "subjectId" = $1`, [adminId])).map((row) => row.event))
    .toContain("role_changed");

  await page.goto("/admin");
  await page.getByLabel("Search by email or name").fill(victim.email);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("list", { name: "Users" }).getByRole("link", { name: victim.email }).click();
  await expect(page.getByRole("heading", { name: victim.email })).toBeVisible();
  await page.getByRole("button", { name: "Sign out this device" }).click();
  await expect(page.getByText("No active sessions.")).toBeVisible();

  await victimPage.goto("/account");
  await expect(victimPage).toHaveURL(/\/signin/);

  await page.goto(`/admin/audit?user=${victimUser!.id}&event=session_revoked`);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(2); // header + the revocation
  await expect(rows.nth(1)).toContainText(adminId);
  await expect(rows.nth(1)).toContainText(victimUser!.id);

  await query(`DELETE FROM "User" WHERE id = $1`, [victimUser!.id]);
  await victimContext.close();
});
