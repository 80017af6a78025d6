import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { e2eConfig } from "./support/config";
import { expect, test } from "./support/fixtures";

/*
 * The `gatehouse` command-line client (cli/), run as a person runs it: its own process, HTTP only. The
 * test approves its code in Chromium while it polls, then uses what it saved.
 */

const bin = path.resolve(import.meta.dirname, "..", "cli", "bin", "gatehouse.mjs");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts the CLI with its own config directory; `output` is what it has printed so far. */
function start(args: string[], configDir: string) {
  const env = { PATH: process.env.PATH ?? "", HOME: configDir, GATEHOUSE_CONFIG_DIR: configDir, NODE_ENV: "production" as const };
  const child = spawn(process.execPath, [bin, ...args], { env });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, ...output })));
  return { output, done };
}

const run = (args: string[], configDir: string) => start(args, configDir).done;

test.describe("the gatehouse CLI", () => {
  test("login with the device grant, approved in the browser; then whoami, notes, token and logout", async ({ page, request, signInNewPerson }) => {
    test.setTimeout(90_000);
    const { identity } = await signInNewPerson();
    const configDir = mkdtempSync(path.join(tmpdir(), "gatehouse-cli-"));
    const login = start(["login", "--url", e2eConfig.baseURL], configDir);
    // Printed once the code, the link and the QR code are out.
    await expect.poll(() => login.output.stderr, { timeout: 15_000 }).toContain("Waiting for approval");
    const link = /go straight to (\S+)/.exec(login.output.stdout)![1]!;
    expect(login.output.stdout).toMatch(/enter the code [BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}/);
    expect(login.output.stdout).toContain("▄"); // the QR code, drawn with half blocks
    await page.goto(link);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Gatehouse CLI wants to use your account" })).toBeVisible();
    await page.getByRole("button", { name: "Approve" }).click();
    const loggedIn = await login.done;
    expect(loggedIn.code, loggedIn.stderr).toBe(0);
    expect(loggedIn.stdout).toContain(`Signed in to ${e2eConfig.baseURL}`);

    const file = path.join(configDir, "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o077).toBe(0);

    const whoami = await run(["whoami"], configDir);
    expect(whoami).toMatchObject({ code: 0, stdout: `${identity.name} <${identity.email}> on ${e2eConfig.baseURL}\n` });

    const added = await run(["notes", "add", "from the terminal", "--body", "hello"], configDir);
    expect(added.code, added.stderr).toBe(0);
    const noteId = added.stdout.trim();
    expect((await run(["notes", "list"], configDir)).stdout).toContain(`${noteId}  from the terminal`);
    expect((await run(["notes", "rm", noteId], configDir)).code).toBe(0);
    expect((await run(["notes", "list"], configDir)).stdout).not.toContain(noteId);

    // `token` for scripts, and a refresh when the access token is about to expire.
    const first = (await run(["token"], configDir)).stdout.trim();
    expect((await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${first}` } })).status()).toBe(200);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    writeFileSync(file, JSON.stringify({ ...saved, expiresAt: Date.now() + 10_000 }), { mode: 0o600 });
    const refreshed = (await run(["token"], configDir)).stdout.trim();
    expect(refreshed).not.toBe(first);
    expect(JSON.parse(readFileSync(file, "utf8")).refreshToken).not.toBe(saved.refreshToken);

    const logout = await run(["logout"], configDir);
    expect(logout.code).toBe(0);
    expect(() => statSync(file)).toThrow();
    // The tokens died with it (RFC 7009: the refresh token takes its family along).
    expect((await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${refreshed}` }, failOnStatusCode: false })).status()).toBe(401);
    const signedOut = await run(["whoami"], configDir);
    expect(signedOut).toMatchObject({ code: 3, stdout: "" });
    expect(signedOut.stderr).toBe("gatehouse: Not signed in: run gatehouse login.\n");
  });

  test("a denied login, an unreachable server and bad arguments: one line each and an exit code", async ({ page, signInNewPerson }) => {
    test.setTimeout(60_000);
    await signInNewPerson();
    const configDir = mkdtempSync(path.join(tmpdir(), "gatehouse-cli-"));
    const login = start(["login", "--url", e2eConfig.baseURL], configDir);
    await expect.poll(() => login.output.stderr, { timeout: 15_000 }).toContain("Waiting for approval");
    await page.goto(/go straight to (\S+)/.exec(login.output.stdout)![1]!);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Deny" }).click();
    const denied = await login.done;
    expect(denied.code).toBe(1);
    expect(denied.stderr.trimEnd().split("\n").at(-1)).toBe("gatehouse: Access was denied in the browser.");

    const unreachable = await run(["login", "--url", "http://127.0.0.1:59999"], configDir);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe("gatehouse: Cannot reach Gatehouse at http://127.0.0.1:59999 (ECONNREFUSED).\n");
    expect(await run(["login", "--url", "http://gatehouse.example"], configDir)).toMatchObject({ code: 2, stderr: "gatehouse: --url must be https (plain http only for localhost)\n" });

    // A logout that cannot reach the server keeps the tokens, so they can still be revoked later.
    const file = path.join(configDir, "credentials.json");
    writeFileSync(file, JSON.stringify({ url: "http://127.0.0.1:59999", accessToken: "a", refreshToken: "r", expiresAt: Date.now() + 600_000, scope: "" }), { mode: 0o600 });
    expect(await run(["logout"], configDir)).toMatchObject({ code: 1, stderr: "gatehouse: Cannot reach Gatehouse at http://127.0.0.1:59999 (ECONNREFUSED).\n" });
    expect(statSync(file).isFile()).toBe(true);

    expect(await run(["launch"], configDir)).toMatchObject({ code: 2, stderr: 'gatehouse: Unknown command "launch" (see gatehouse --help)\n' });
    expect((await run(["login", "--url", "not a url"], configDir)).code).toBe(2);
    const help = await run(["--help"], configDir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("gatehouse login [--url URL]".replace("gatehouse ", ""));
  });
});
