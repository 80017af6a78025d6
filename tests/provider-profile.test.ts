import { describe, expect, it } from "vitest";

import { decideLinking } from "@/server/auth/account-linking";
import { mergeGitHubEmails } from "@/server/auth/github-profile";
import { claimedEmailOf, toProviderUser, verifiedEmailOf } from "@/server/auth/provider-profile";

describe("verifiedEmailOf", () => {
  it("returns the lower-cased address when the provider verified it", () => {
    expect(verifiedEmailOf({ email: " Ada@Example.COM ", email_verified: true })).toBe("ada@example.com");
    expect(verifiedEmailOf({ email: "ada@example.com", email_verified: "true" })).toBe("ada@example.com");
  });

  it.each([false, "false", null, undefined, 1, "yes"])("returns null when email_verified is %s", (flag) => {
    expect(verifiedEmailOf({ email: "ada@example.com", email_verified: flag as boolean })).toBeNull();
  });

  it("returns null without an email", () => {
    expect(verifiedEmailOf({ email_verified: true })).toBeNull();
    expect(claimedEmailOf({ email: "  " })).toBeNull();
  });
});

describe("toProviderUser", () => {
  it("keeps a verified email and drops an unverified one", () => {
    expect(toProviderUser({ id: "1", name: "Ada", profile: { email: "ada@example.com", email_verified: true } }).email).toBe("ada@example.com");
    expect(toProviderUser({ id: "2", name: "Mallory", profile: { email: "ada@example.com", email_verified: false } }).email).toBeNull();
  });
});

describe("mergeGitHubEmails", () => {
  const user = { id: 7, login: "ada", name: "Ada", email: "public@example.com" };

  it("uses the primary address and its verified flag", () => {
    const merged = mergeGitHubEmails(user, [
      { email: "other@example.com", primary: false, verified: true },
      { email: "ada@example.com", primary: true, verified: false },
    ]);
    expect(merged).toMatchObject({ email: "ada@example.com", email_verified: false });
  });

  it("treats the public address as unverified when the email list is unavailable", () => {
    expect(mergeGitHubEmails(user, null)).toMatchObject({ email: "public@example.com", email_verified: false });
  });
});

describe("decideLinking", () => {
  it("lets a known provider account sign in", () => {
    expect(decideLinking({ accountExists: true, emailVerified: false, userWithClaimedEmailExists: true })).toBe("allow");
  });

  it("links a new account with a verified email", () => {
    expect(decideLinking({ accountExists: false, emailVerified: true, userWithClaimedEmailExists: true })).toBe("allow");
  });

  it("refuses a new account whose unverified email belongs to a user", () => {
    expect(decideLinking({ accountExists: false, emailVerified: false, userWithClaimedEmailExists: true })).toBe("refuse");
  });

  it("lets a new account with an unverified, unused email create a user", () => {
    expect(decideLinking({ accountExists: false, emailVerified: false, userWithClaimedEmailExists: false })).toBe("allow");
  });
});
