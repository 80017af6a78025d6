import { usersWithEmail } from "./support/database";
import { expect, test } from "./support/fixtures";
import { fillLocalLogin, signInWithLocalId, uniqueIdentity } from "./support/local-idp";

/* Open-redirect defences: after sign-in the browser only ever goes to our own origin. */
test.describe("callbackUrl only ever leads back to our own origin", () => {
  for (const hostile of ["https://evil.example", "//evil.example", "/\\evil.example", "https://evil.example@localhost/"]) {
    test(`our sign-in page refuses callbackUrl=${hostile}`, async ({ page, baseURL, trackUser }) => {
      const person = uniqueIdentity();
      await page.goto(`/signin?callbackUrl=${encodeURIComponent(hostile)}`);
      await signInWithLocalId(page, person);

      await expect(page).toHaveURL("/account");
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      trackUser((await usersWithEmail(person.email))[0]!.id);
    });
  }

  test("Auth.js's own endpoint refuses callbackUrl=https://evil.example", async ({ page, baseURL, trackUser }) => {
    const person = uniqueIdentity();
    // An attacker's page could post straight to Auth.js, skipping our sign-in page.
    const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await page.request.post("/api/auth/signin/local", {
      form: { csrfToken, callbackUrl: "https://evil.example/steal" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(302);
    await page.goto(response.headers().location!);
    await fillLocalLogin(page, person);

    await expect(page).toHaveURL(new RegExp(`^${baseURL}/`));
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    trackUser((await usersWithEmail(person.email))[0]!.id);
  });
});
