import { test as base, expect } from "@playwright/test";

import { deleteUsers, usersWithEmail } from "./database";
import { signInWithLocalId, uniqueIdentity, type LocalIdentity } from "./local-idp";
import { restoreSavedSignIn, type SavedPerson, type SavedRole } from "./saved-sign-in";

interface Fixtures {
  /** Remembers a user a test created; it is deleted (with its accounts and sessions) after the test. */
  trackUser: (userId: string) => void;
  /** Signs a new person (verified email) in through /signin and the local provider; lands on /account. */
  signInNewPerson: (overrides?: Partial<LocalIdentity>) => Promise<{ identity: LocalIdentity; userId: string }>;
  /**
   * Puts the session the setup project saved for `role` into this browser, without signing in; lands
   * on /account. That person and session are shared with every test that asks for the role, in
   * parallel: only for tests that leave them as they are. A test that ends or revokes sessions, signs
   * out (everywhere), counts the person's sessions, tokens or notes, links an identity or changes the
   * role signs in a person of its own (`signInNewPerson`).
   */
  signInAs: (role: SavedRole) => Promise<SavedPerson>;
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
  signInAs: async ({ page, context }, use) => {
    await use(async (role) => {
      const person = await restoreSavedSignIn(role, context);
      await page.goto("/account");
      await expect(page, `the saved ${role} session still works`).toHaveURL("/account");
      return person;
    });
  },
});

export { expect };
