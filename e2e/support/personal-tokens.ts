import { request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";

import { e2eConfig } from "./config";
import { expect } from "./fixtures";

/** The client personal tokens refresh with (a public client: no secret). */
export const PERSONAL_CLIENT_ID = "gatehouse-personal";

/**
 * On /account/tokens: creates a token through the form and reads the shown-once pair from the page, as
 * a person copying it would.
 */
export async function createPersonalToken(page: Page, name: string, scopes: string[]) {
  await page.goto("/account/tokens");
  const form = page.getByRole("form", { name: "Create a token" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  for (const scope of scopes) await form.getByRole("checkbox", { name: scope }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  const panel = page.getByRole("region", { name: `Token “${name}” created` });
  await expect(panel).toBeVisible();
  return {
    panel,
    accessToken: await panel.getByLabel("Access token", { exact: true }).inputValue(),
    refreshToken: await panel.getByLabel("Refresh token", { exact: true }).inputValue(),
  };
}

/**
 * A client with no cookies at all: only the Bearer header it is given authenticates it, as a script's
 * would (a session cookie riding along would prove nothing about the token).
 */
export function scriptClient(): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL: e2eConfig.baseURL });
}

export function bearer(accessToken: string) {
  return { Authorization: `Bearer ${accessToken}` };
}

/** POST /oauth/token with grant_type=refresh_token, form-encoded, as the page's curl example does. */
export function refreshPersonalToken(api: APIRequestContext, refreshToken: string) {
  return api.post("/oauth/token", { form: { grant_type: "refresh_token", client_id: PERSONAL_CLIENT_ID, refresh_token: refreshToken } });
}
