// Where `gatehouse login` keeps its tokens: one file, readable by this user only (0600, in a 0700
// directory), under the user's config directory. Only this module touches it.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

/**
 * @typedef {object} Credentials
 * @property {string} url          the Gatehouse they came from
 * @property {string} accessToken
 * @property {string} refreshToken
 * @property {number} expiresAt    ms since the epoch
 * @property {string} scope
 */

/** GATEHOUSE_CONFIG_DIR, else $XDG_CONFIG_HOME/gatehouse, %APPDATA%\gatehouse or ~/.config/gatehouse. */
export function configDir() {
  if (process.env.GATEHOUSE_CONFIG_DIR) return process.env.GATEHOUSE_CONFIG_DIR;
  const base = process.env.XDG_CONFIG_HOME || (process.platform === "win32" ? process.env.APPDATA : undefined) || path.join(homedir(), ".config");
  return path.join(base, "gatehouse");
}

export const credentialsFile = () => path.join(configDir(), "credentials.json");

/** @returns {Promise<Credentials | null>} */
export async function readCredentials() {
  let text;
  try {
    text = await readFile(credentialsFile(), "utf8");
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return null;
    throw error;
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null; // not ours, or torn: as good as signed out
  }
  const fields = ["url", "accessToken", "refreshToken", "scope"];
  if (!parsed || fields.some((field) => typeof parsed[field] !== "string") || typeof parsed.expiresAt !== "number") return null;
  return parsed;
}

/**
 * Replaces the file at once (a new file, user-only from its creation, renamed over the old one), so a
 * crash or a second `gatehouse` at the same moment never leaves half a file.
 * @param {Credentials} credentials
 */
export async function writeCredentials(credentials) {
  await mkdir(configDir(), { recursive: true, mode: 0o700 });
  await chmod(configDir(), 0o700);
  const file = credentialsFile();
  const next = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(next, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    await rename(next, file);
  } catch (error) {
    await rm(next, { force: true });
    throw error;
  }
}

export async function deleteCredentials() {
  await rm(credentialsFile(), { force: true });
}
