import { e2eConfig } from "./support/config";
import { expect, test } from "./support/fixtures";
import { bearer, createPersonalToken, refreshPersonalToken, scriptClient } from "./support/personal-tokens";

/*
 * Personal API tokens on /account/tokens: a named, scoped pair for scripts, shown once, used the way a
 * script would (Bearer header, no cookies), refreshed with rotation, listed, and revoked.
 */

test.describe("personal API tokens", () => {
  test("a token is shown once, calls the API, refreshes with rotation, and is dead once revoked", async ({ page, signInNewPerson }) => {
    const { identity, userId } = await signInNewPerson();
    await page.goto("/account/tokens");
    await expect(page.getByText("You have no personal API tokens.")).toBeVisible();

    const { panel, accessToken, refreshToken } = await createPersonalToken(page, "backup script", ["profile", "notes:read"]);
    // The curl examples use the real issuer and a call this token's scopes allow.
    await expect(panel.getByLabel("Call the API", { exact: true })).toHaveValue(`curl -H "Authorization: Bearer ${accessToken}" ${e2eConfig.baseURL}/api/v1/me`);
    await expect(panel.getByLabel("Get a new pair", { exact: true })).toHaveValue(
      new RegExp(`^curl -X POST ${e2eConfig.baseURL}/oauth/token .*-d client_id=gatehouse-personal .*-d refresh_token=${refreshToken}$`, "s"),
    );

    const api = await scriptClient();
    const me = await api.get("/api/v1/me", { headers: bearer(accessToken) });
    expect(me.status()).toBe(200);
    expect((await me.json()).user).toMatchObject({ id: userId, email: identity.email });

    const refreshed = await refreshPersonalToken(api, refreshToken);
    expect(refreshed.status()).toBe(200);
    const pair = await refreshed.json();
    expect(pair).toMatchObject({ token_type: "Bearer", expires_in: 900, scope: "profile notes:read" });
    expect(pair.access_token).not.toBe(accessToken);
    expect(pair.refresh_token).not.toBe(refreshToken);
    expect((await api.get("/api/v1/notes", { headers: bearer(pair.access_token) })).status()).toBe(200);

    // A reload shows the token in the list, and neither secret ever again.
    await page.reload();
    const listed = page.getByRole("list", { name: "Personal API tokens" }).getByRole("listitem", { name: "backup script" });
    await expect(listed).toContainText("profile notes:read");
    await expect(page.getByRole("region", { name: /created$/ })).toHaveCount(0);
    const html = await page.content();
    expect(html).not.toContain(accessToken);
    expect(html).not.toContain(refreshToken);

    await listed.getByRole("button", { name: "Revoke backup script" }).click();
    await expect(page.getByText("You have no personal API tokens.")).toBeVisible();

    const afterRevoke = await api.get("/api/v1/me", { headers: bearer(pair.access_token) });
    expect(afterRevoke.status()).toBe(401);
    expect(afterRevoke.headers()["www-authenticate"]).toContain('error="invalid_token"');
    const refreshAfterRevoke = await refreshPersonalToken(api, pair.refresh_token);
    expect(refreshAfterRevoke.status()).toBe(400);
    expect((await refreshAfterRevoke.json()).error).toBe("invalid_grant");
    await api.dispose();
  });

  test("a notes:read token reads notes but cannot write them or read the profile (403 insufficient_scope)", async ({ page, signInAs }) => {
    await signInAs("person");
    const { panel, accessToken } = await createPersonalToken(page, "read-only notes", ["notes:read"]);
    // Without `profile`, the example call is one the token can make.
    await expect(panel.getByLabel("Call the API", { exact: true })).toHaveValue(`curl -H "Authorization: Bearer ${accessToken}" ${e2eConfig.baseURL}/api/v1/notes`);

    const api = await scriptClient();
    expect((await api.get("/api/v1/notes", { headers: bearer(accessToken) })).status()).toBe(200);
    const write = await api.post("/api/v1/notes", { headers: bearer(accessToken), data: { title: "should not exist" } });
    expect(write.status()).toBe(403);
    expect(write.headers()["www-authenticate"]).toContain('error="insufficient_scope"');
    expect((await write.json()).error.code).toBe("insufficient_scope");
    expect((await api.get("/api/v1/me", { headers: bearer(accessToken) })).status()).toBe(403);
    await api.dispose();
  });

  test("the form refuses an empty name or no scope, says why, and keeps what was entered", async ({ page, signInNewPerson }) => {
    await signInNewPerson();
    await page.goto("/account/tokens");
    const form = page.getByRole("form", { name: "Create a token" });

    await form.getByLabel("Name", { exact: true }).fill("   ");
    await form.getByRole("checkbox", { name: "notes:read" }).check();
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(form.getByRole("alert")).toContainText("The token was not created");
    await expect(form.getByText("Give the token a name")).toBeVisible();
    await expect(form.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByRole("checkbox", { name: "notes:read" })).toBeChecked();

    await form.getByLabel("Name", { exact: true }).fill("nightly export");
    await form.getByRole("checkbox", { name: "notes:read" }).uncheck();
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(form.getByText("Choose at least one scope.")).toBeVisible();
    await expect(form.getByLabel("Name", { exact: true })).toHaveValue("nightly export");

    await page.reload();
    await expect(page.getByText("You have no personal API tokens.")).toBeVisible();
  });

  test(`a person holds at most 20 tokens, and the server refuses the 21st even from a stale page`, async ({ page, context, signInNewPerson }) => {
    test.slow();
    await signInNewPerson();
    for (let index = 1; index <= 19; index++) await createPersonalToken(page, `script ${index}`, ["profile"]);
    // A second tab loaded while there were 19: its form still offers "Create token".
    const staleTab = await context.newPage();
    await staleTab.goto("/account/tokens");
    await createPersonalToken(page, "script 20", ["profile"]);

    await page.reload();
    await expect(page.getByRole("heading", { name: "Your tokens (20 of 20)" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Create token" })).toBeDisabled();

    const staleForm = staleTab.getByRole("form", { name: "Create a token" });
    await staleForm.getByLabel("Name", { exact: true }).fill("one too many");
    await staleForm.getByRole("checkbox", { name: "profile" }).check();
    await staleForm.getByRole("button", { name: "Create token" }).click();
    await expect(staleForm.getByRole("alert")).toContainText("You already have 20 personal API tokens, the most allowed.");
    await staleTab.reload();
    await expect(staleTab.getByRole("list", { name: "Personal API tokens" }).getByRole("listitem")).toHaveCount(20);
    await expect(staleTab.getByRole("listitem", { name: "one too many" })).toHaveCount(0);
  });
});
