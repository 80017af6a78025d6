// The provider's accounts: whatever a person last typed in for a subject, kept in memory.
import { createHash } from "node:crypto";

export interface LocalAccount {
  /** The subject identifier (OpenID Connect Core 1.0 §2: unique and never reassigned by this issuer). */
  sub: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

/** Test users offered as one-click buttons; their subjects are stable so tests can rely on them. */
export const seededAccounts: readonly LocalAccount[] = [
  { sub: "ada", name: "Ada Lovelace", email: "ada@example.com", emailVerified: true },
  { sub: "grace", name: "Grace Hopper", email: "grace@example.com", emailVerified: true },
  // A second verified identity with Ada's email: the app links it to Ada's user.
  { sub: "ada-work", name: "Ada (work account)", email: "ada@example.com", emailVerified: true },
  // Same email, not verified: the app must refuse to link it (account takeover by unverified email).
  { sub: "mallory", name: "Mallory (unverified)", email: "ada@example.com", emailVerified: false },
];

export function findSeededAccount(sub: string): LocalAccount | undefined {
  return seededAccounts.find((account) => account.sub === sub);
}

/**
 * The subject for a person who typed no account id: derived from the email so that signing in again with
 * the same address yields the same subject. Expects the email already lower-cased.
 */
export function deriveSubject(email: string): string {
  return `local-${createHash("sha256").update(email).digest("hex").slice(0, 16)}`;
}

export interface AccountStore {
  find(sub: string): LocalAccount | undefined;
  save(account: LocalAccount): void;
}

/** An in-memory store keyed by subject, seeded with the test users; one per provider instance. */
export function createAccountStore(): AccountStore {
  const accounts = new Map<string, LocalAccount>(seededAccounts.map((account) => [account.sub, account]));
  return {
    find: (sub) => accounts.get(sub),
    save: (account) => {
      accounts.set(account.sub, { ...account });
    },
  };
}
