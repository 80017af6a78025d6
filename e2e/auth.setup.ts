import { mkdir, writeFile } from "node:fs/promises";

import { expect, test as setup } from "@playwright/test";

import { e2eConfig } from "./support/config";
import { usersWithEmail } from "./support/database";
import { signInWithLocalId, uniqueIdentity } from "./support/local-idp";
import { savedSignInPaths, type SavedPerson, type SavedRole } from "./support/saved-sign-in";

/*
 * The setup project: each role signs in once, through /signin and the local provider, and its browser
 * state is saved for the tests that only need someone signed in (the `signInAs` fixture). The database
 * is new every run, so these are new every run too.
 */
const identities: Record<SavedRole, () => SavedPerson["identity"]> = {
  person: () => uniqueIdentity({ name: "Saved Person" }),
  admin: () => uniqueIdentity({ name: "Admin", email: e2eConfig.adminEmail }),
};

for (const role of Object.keys(identities) as SavedRole[]) {
  setup(`sign in once as the ${role} and save the browser state`, async ({ page }) => {
    const identity = identities[role]();
    await page.goto("/signin");
    await signInWithLocalId(page, identity);
    await expect(page).toHaveURL("/account");
    const [user] = await usersWithEmail(identity.email);
    expect(user, `a User row for ${identity.email}`).toBeDefined();

    const paths = savedSignInPaths(role);
    await mkdir(e2eConfig.savedSignInDir, { recursive: true });
    await page.context().storageState({ path: paths.storageState });
    await writeFile(paths.person, JSON.stringify({ identity, userId: user!.id } satisfies SavedPerson));
  });
}
