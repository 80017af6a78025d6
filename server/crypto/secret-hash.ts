import { createHash } from "node:crypto";

/**
 * The stored form of a high-entropy secret: session tokens, refresh tokens, authorization codes, client
 * secrets. SHA-256, hex.
 *
 * A fast, unsalted hash is right for these because each is 256 random bits: nobody can guess one, so a
 * stolen table of hashes can only be attacked by searching 2^256 inputs, and no two secrets share a hash
 * for a salt to tell apart. The hash is there so that a copy of the database holds nothing usable (a
 * hash is not a cookie or a token), and so that a lookup by hash is an index lookup.
 *
 * It is wrong for passwords and anything else a person chooses: those come from a small, guessable
 * space, and a fast hash lets a stolen table be tried at billions of guesses a second. They need a slow,
 * salted KDF (Argon2id, scrypt), which Gatehouse does not store because it keeps no passwords.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6819#section-5.1.4.1.3 No cleartext storage of credentials
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html why passwords differ
 */
export function sha256Hex(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
