import { expect, test } from "@playwright/test";

test("the home page explains the three strategies and says nobody is signed in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Gatehouse" })).toBeVisible();
  const strategies = page.getByRole("region", { name: "Three strategies, each where it fits" }).getByRole("listitem");
  await expect(strategies).toHaveCount(3);
  await expect(page.getByRole("status")).toContainText("You are not signed in");
});

test("the sign-in page offers exactly the enabled providers", async ({ page }) => {
  await page.goto("/signin");
  const forms = page.getByRole("main").getByRole("button");
  await expect(forms).toHaveText(["Sign in with Local ID"]);
});

test("the sign-in page explains an error code and never echoes an unknown one", async ({ page }) => {
  await page.goto("/signin?error=OAuthAccountNotLinked");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("An account with this email address already exists");
  await page.goto("/signin?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Something went wrong while signing you in. Please try again.");
});

test("pages fit a 375 px wide screen", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  for (const path of ["/", "/signin"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  }
});

test("GET /api/health answers 200 with the database up", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", database: { status: "up" } });
});
