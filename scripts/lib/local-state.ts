import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * `.gatehouse/` (git-ignored) holds what a developer's machine keeps between runs: the embedded
 * database's files and the generated development AUTH_SECRET. Production never uses it.
 */
export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const localStateDir = path.join(repoRoot, ".gatehouse");

/** A random secret, base64url, with `bytes` bytes of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Reads a secret kept in `.gatehouse/<name>`, creating it (mode 0600) on first use. */
export function readOrCreateLocalSecret(name: string, directory = localStateDir): string {
  const file = path.join(directory, name);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch {
    // Not created yet.
  }
  mkdirSync(directory, { recursive: true });
  const secret = randomSecret();
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
