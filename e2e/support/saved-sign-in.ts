import { readFile } from "node:fs/promises";
import path from "node:path";

import type { BrowserContext } from "@playwright/test";

import { e2eConfig } from "./config";
import type { LocalIdentity } from "./local-idp";

/**
 * The people the setup project (e2e/auth.setup.ts) signs in once per run, and where it saves them: the
 * browser's storageState, and who that is. A person with a verified email, and the ADMIN_EMAILS admin.
 */
export const SAVED_ROLES = ["person", "admin"] as const;
export type SavedRole = (typeof SAVED_ROLES)[number];

export interface SavedPerson {
  identity: LocalIdentity;
  userId: string;
}

export function savedSignInPaths(role: SavedRole) {
  return {
    storageState: path.join(e2eConfig.savedSignInDir, `${role}.json`),
    person: path.join(e2eConfig.savedSignInDir, `${role}.person.json`),
  };
}

/**
 * Puts a role's saved session into a browser context (its cookies only: a request context a test opens
 * itself stays cookie-less, which `test.use({ storageState })` would not leave it) and says who it is.
 */
export async function restoreSavedSignIn(role: SavedRole, context: BrowserContext): Promise<SavedPerson> {
  const paths = savedSignInPaths(role);
  const [state, person] = await Promise.all([readSaved(role, paths.storageState), readSaved(role, paths.person)]);
  await context.addCookies((state as Awaited<ReturnType<BrowserContext["storageState"]>>).cookies);
  return person as SavedPerson;
}

async function readSaved(role: SavedRole, file: string): Promise<unknown> {
  const text = await readFile(file, "utf8").catch(() => {
    throw new Error(`No saved sign-in for "${role}" at ${file}: the setup project (e2e/auth.setup.ts) saves it (run without --no-deps).`);
  });
  return JSON.parse(text);
}
