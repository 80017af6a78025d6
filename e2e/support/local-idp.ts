import { randomUUID } from "node:crypto";

import { expect, type BrowserContext, type Page } from "@playwright/test";

/** A person to type into the local identity provider's login page. */
export interface LocalIdentity {
  name: string;
  email: string;
  verified: boolean;
  /** The provider's subject (account id); derived from the email when left out. */
  subject?: string;
}

/** A person nobody else in the test run uses, so tests can run in parallel on one database. */
export function uniqueIdentity(overrides: Partial<LocalIdentity> = {}): LocalIdentity {
  const id = randomUUID().slice(0, 8);
  return { name: `Tester ${id}`, email: `tester-${id}@example.com`, verified: true, ...overrides };
}

/** On our /signin page: choose the local provider and sign in on its login page. */
export async function signInWithLocalId(page: Page, identity: LocalIdentity) {
  await page.getByRole("button", { name: "Sign in with Local ID" }).click();
  await fillLocalLogin(page, identity);
}

/** On the local identity provider's login page. */
export async function fillLocalLogin(page: Page, identity: LocalIdentity) {
  await expect(page.getByLabel("Email", { exact: true })).toBeVisible();
  await page.getByLabel("Name").fill(identity.name);
  await page.getByLabel("Email", { exact: true }).fill(identity.email);
  await page.getByLabel("Email address is verified").setChecked(identity.verified);
  await page.getByLabel("Subject (account id)").fill(identity.subject ?? "");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/**
 * Forgets the browser's session, as a new visitor would be. The page is left first: its link prefetches
 * (which may renew the session cookie, even late, from an idle callback) end with it, so none of them
 * can set the cookie again after it is cleared.
 */
export async function forgetSession(page: Page, context: BrowserContext) {
  await page.goto("about:blank");
  await context.clearCookies();
}

/** The session cookie's value in a browser, or `undefined` when it has none. */
export async function sessionToken(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name.endsWith("authjs.session-token"))?.value;
}
