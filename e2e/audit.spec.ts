import { query } from "./support/database";
import { expect, test } from "./support/fixtures";
import { forgetSession, signInWithLocalId } from "./support/local-idp";

/* Each action leaves its audit event, with who did it and from which client. */

async function eventsOf(subjectId: string) {
  return query<{ event: string; actorId: string | null; userAgent: string | null }>(
    `SELECT event, "actorId", "userAgent" FROM "AuditEvent" WHERE "subjectId" = $1 ORDER BY "createdAt", id`,
    [subjectId],
  );
}

test("sign-in, sign-out and sign out everywhere are audited, with actor and user agent", async ({ page, context, signInNewPerson }) => {
  const { identity, userId } = await signInNewPerson();
  await page.getByRole("main").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/signin");
  await signInWithLocalId(page, identity);
  await expect(page).toHaveURL("/account");
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL("/signin");

  // Written after each response, so they may land a moment later.
  await expect.poll(async () => (await eventsOf(userId)).map((row) => row.event)).toEqual(["sign_in", "sign_out", "sign_in", "sign_out_everywhere"]);
  const events = await eventsOf(userId);
  expect(events.every((row) => row.actorId === userId)).toBe(true);
  expect(events.find((row) => row.event === "sign_out_everywhere")?.userAgent).toContain("Chrome");
  await forgetSession(page, context);
});

test("a refused sign-in is audited as a failure, naming the refused account", async ({ page, context, signInNewPerson }) => {
  const { identity } = await signInNewPerson({ subject: `owner-${Date.now()}` });
  await forgetSession(page, context);
  const mallory = `mallory-${Date.now()}`;
  await page.goto("/signin");
  await signInWithLocalId(page, { name: "Mallory", email: identity.email, verified: false, subject: mallory });
  await expect(page).toHaveURL(/\/signin\?error=OAuthAccountNotLinked/);

  await expect
    .poll(async () => query<{ reason: string }>(`SELECT details->>'reason' AS reason FROM "AuditEvent" WHERE event = 'sign_in_failed' AND details->>'providerAccountId' = $1`, [mallory]))
    .toEqual([{ reason: "unverified_email_of_existing_user" }]);
});
