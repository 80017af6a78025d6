import { usersWithEmail } from "./support/database";
import { expect, test } from "./support/fixtures";
import { fillLocalLogin, signInWithLocalId, uniqueIdentity } from "./support/local-idp";

/* Open-redirect defences: after sign-in the browser only ever goes to our own origin. */
test.describe("callbackUrl only ever leads back to our own origin", () => {
  for (const hostile of ["https://evil.example", "//evil.example", "/\\evil.example", "https://evil.example@localhost/", "/.//evil.example"]) {
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

/*
 * Spellings that are same-origin paths on the way in and `//evil.example` once the URL parser has
 * normalised them (the outside attack run's open redirect). Checked where the redirect is built.
 */
const NORMALISING_SPELLINGS = ["/.//evil.example", "/..//evil.example", "/%2e//evil.example", "/./\\evil.example", "/%2E%2E/%2F/evil.example", "/a/..//evil.example"];

test.describe("dot segments, encodings and backslashes never redirect off our origin", () => {
  test("a signed-in person sent to /signin is redirected only to our own origin", async ({ page, baseURL, signInAs }) => {
    await signInAs("person");
    for (const hostile of NORMALISING_SPELLINGS) {
      for (const link of [`/signin?callbackUrl=${encodeURIComponent(hostile)}`, `/signin?callbackUrl=${encodeURIComponent(`/signin?callbackUrl=${encodeURIComponent(hostile)}`)}`]) {
        const response = await page.request.get(link, { maxRedirects: 0 });
        expect(response.status(), link).toBe(307);
        const location = response.headers().location!;
        expect(location.startsWith("//") || location.startsWith("/\\"), `${link} -> ${location}`).toBe(false);
        expect(new URL(location, baseURL).origin, `${link} -> ${location}`).toBe(new URL(baseURL!).origin);
      }
    }
  });

  test("a signed-out victim following a nested hostile link signs in and stays on our origin", async ({ page, baseURL, trackUser }) => {
    const person = uniqueIdentity();
    const nested = `/signin?callbackUrl=${encodeURIComponent("/%2e//evil.example")}`;
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(nested)}`);
    await signInWithLocalId(page, person);

    await expect(page).toHaveURL("/account");
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    trackUser((await usersWithEmail(person.email))[0]!.id);
  });
});
