import { existsSync } from "node:fs";

import { defineConfig, devices } from "@playwright/test";

import { e2eConfig } from "./e2e/support/config";

// Debian's Chromium where it is installed (offline machines cannot download Playwright's browser);
// Playwright's own browser everywhere else.
const systemChromium = "/usr/bin/chromium";
const launchOptions = existsSync(systemChromium)
  ? {
      executablePath: systemChromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    }
  : {};

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  timeout: 30_000,
  use: {
    baseURL: e2eConfig.baseURL,
    trace: "on-first-retry",
    launchOptions,
  },
  projects: [
    // Signs each role in once and saves its browser state (e2e/auth.setup.ts), before any test runs.
    { name: "setup", testMatch: /auth\.setup\.ts$/, use: { ...devices["Desktop Chrome"] } },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
  ],
  webServer: {
    command: "tsx e2e/support/start-server.ts",
    // The second app process starts last: when it answers, the whole stack is up.
    url: `${e2eConfig.secondBaseURL}/api/health`,
    reuseExistingServer: false,
    // SIGTERM lets the run command stop the IdP and next-server it started (they run in their own
    // process groups, which Playwright's default SIGKILL of the command's group would orphan).
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
