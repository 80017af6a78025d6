import { query, usersWithEmail } from "./support/database";
import { expect, test } from "./support/fixtures";
import { forgetSession, sessionToken, signInWithLocalId, uniqueIdentity } from "./support/local-idp";

/*
 * Two subjects at the provider with the same email address. A second identity is linked to the
 * existing user only when the provider says the address is verified; otherwise it is refused, so nobody
 * can take over an account by claiming its address at a provider that does not check it.
 */
test.describe("linking a second identity by email", () => {
  async function accountsOf(userId: string) {
    return query<{ providerAccountId: string }>(`SELECT "providerAccountId" FROM "Account" WHERE "userId" = $1 ORDER BY "createdAt"`, [userId]);
  }

  test("a second subject with the same verified email is linked to the same user", async ({ page, context, signInNewPerson }) => {
    const { identity: owner, userId } = await signInNewPerson({ subject: `owner-${Date.now()}` });

    await forgetSession(page, context);
    await page.goto("/signin");
    await signInWithLocalId(page, { ...owner, name: "Work account", subject: `${owner.subject}-work` });

    await expect(page).toHaveURL("/account");
    expect(await usersWithEmail(owner.email)).toHaveLength(1);
    expect((await accountsOf(userId)).map((account) => account.providerAccountId)).toEqual([owner.subject, `${owner.subject}-work`]);
    await expect(page.getByRole("region", { name: "Linked accounts" }).getByRole("listitem")).toHaveCount(2);
  });

  test("a second subject claiming the same email unverified is refused with a clear message", async ({ page, context, signInNewPerson }) => {
    const { identity: owner, userId } = await signInNewPerson({ subject: `owner-${Date.now()}` });

    await forgetSession(page, context);
    await page.goto("/signin");
    const attackerSubject = `mallory-${Date.now()}`;
    await signInWithLocalId(page, { name: "Mallory", email: owner.email, verified: false, subject: attackerSubject });

    await expect(page).toHaveURL(/\/signin\?error=OAuthAccountNotLinked/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("An account with this email address already exists");
    expect((await accountsOf(userId)).map((account) => account.providerAccountId)).toEqual([owner.subject]);
    expect(await query(`SELECT 1 FROM "Account" WHERE "providerAccountId" = $1`, [attackerSubject])).toHaveLength(0);
    expect(await sessionToken(context)).toBeUndefined();
  });

  test("an unverified email never becomes a user's address", async ({ page, trackUser }) => {
    const person = uniqueIdentity({ verified: false, subject: `unverified-${Date.now()}` });
    await page.goto("/signin");
    await signInWithLocalId(page, person);

    await expect(page).toHaveURL("/account");
    await expect(page.getByRole("region", { name: "Profile" })).toContainText("No verified email");
    expect(await usersWithEmail(person.email)).toHaveLength(0);
    const [account] = await query<{ userId: string }>(`SELECT "userId" FROM "Account" WHERE "providerAccountId" = $1`, [person.subject]);
    trackUser(account!.userId);
  });
});
