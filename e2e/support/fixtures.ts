import { test as base, expect } from "@playwright/test";

import { deleteUsers, usersWithEmail } from "./database";
import { signInWithLocalId, uniqueIdentity, type LocalIdentity } from "./local-idp";

interface Fixtures {
  /** Remembers a user a test created; it is deleted (with its accounts and sessions) after the test. */
  trackUser: (userId: string) => void;
  /** Signs a new person (verified email) in through /signin and the local provider; lands on /account. */
  signInNewPerson: (overrides?: Partial<LocalIdentity>) => Promise<{ identity: LocalIdentity; userId: string }>;
}

export const test = base.extend<Fixtures>({
  // Playwright's fixture signature needs the (empty) destructuring of the fixtures this one uses.
  trackUser: async ({}, use) => {
    const userIds: string[] = [];
    await use((userId) => void userIds.push(userId));
    await deleteUsers(userIds);
  },
  signInNewPerson: async ({ page, trackUser }, use) => {
    await use(async (overrides = {}) => {
      const identity = uniqueIdentity(overrides);
      await page.goto("/signin");
      await signInWithLocalId(page, identity);
      await expect(page).toHaveURL("/account");
      const [user] = await usersWithEmail(identity.email);
      expect(user, `a User row for ${identity.email}`).toBeDefined();
      trackUser(user!.id);
      return { identity, userId: user!.id };
    });
  },
});

export { expect };
