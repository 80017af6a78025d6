import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { decideLinking, mayUnvouchedAccountOpen } from "@/server/auth/account-linking";
import { believedProfile, claimedEmailOf, providerVouchesForEmails, verifiedEmailOf } from "@/server/auth/provider-profile";
import { buildProviders } from "@/server/auth/providers";
import { parseEnv } from "@/server/env-schema";
import { roleForEmail } from "@/server/roles/sync-role";
import { localIdpWarning } from "@/server/startup";

/*
 * Issue 9, point 7: with AUTH_LOCAL_IDP=on in production, typing an address from ADMIN_EMAILS into the
 * local identity provider (and ticking "email verified") must not make anyone an admin, nor link them
 * into the user who owns that address. The pure decisions; tests/auth/local-idp-admin.test.ts runs the
 * whole sign-in.
 */
const adminEmails = ["boss@example.com"];
const typedByAnAttacker = { sub: "mallory", name: "Mallory", email: "Boss@Example.com", email_verified: true };

const base = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/gatehouse", AUTH_SECRET: randomBytes(32).toString("base64url") };
const development = { ...base, LOCAL_IDP_CLIENT_SECRET: randomBytes(32).toString("hex") };
const production = { ...development, NODE_ENV: "production", AUTH_URL: "https://gatehouse.example.com", AUTH_LOCAL_IDP: "on" };

/** The `profile()` callback of the local provider as `buildProviders` configures it. */
function localProfileCallback(env: ReturnType<typeof parseEnv>) {
  const local = buildProviders(env).find((provider) => (provider as { id?: string }).id === "local") as
    | { profile: (profile: typeof typedByAnAttacker) => { email: string | null } }
    | undefined;
  return local!.profile;
}

describe("whether the local identity provider's emails are believed", () => {
  it("is yes in development, no in production, yes in production only with AUTH_LOCAL_IDP_TRUSTED=on", () => {
    expect(parseEnv(development).localIdpTrusted).toBe(true);
    expect(parseEnv(production).localIdpTrusted).toBe(false);
    expect(parseEnv({ ...production, AUTH_LOCAL_IDP_TRUSTED: "on" }).localIdpTrusted).toBe(true);
    expect(parseEnv({ ...production, AUTH_LOCAL_IDP_TRUSTED: "off" }).localIdpTrusted).toBe(false);
    expect(() => parseEnv({ ...production, AUTH_LOCAL_IDP_TRUSTED: "yes" })).toThrow(/AUTH_LOCAL_IDP_TRUSTED must be "on" or "off"/);
  });

  it("only the local provider can be untrusted: Google and GitHub verify addresses", () => {
    expect(providerVouchesForEmails("local", { localIdpTrusted: false })).toBe(false);
    expect(providerVouchesForEmails("local", { localIdpTrusted: true })).toBe(true);
    expect(providerVouchesForEmails("google", { localIdpTrusted: false })).toBe(true);
    expect(providerVouchesForEmails("github", { localIdpTrusted: false })).toBe(true);
  });
});

describe("an ADMIN_EMAILS address typed into the local IdP in production, 'verified' ticked", () => {
  const vouches = providerVouchesForEmails("local", parseEnv(production));

  it("is not a verified address, so the user it creates stores no email and gets no admin role", () => {
    const believed = believedProfile(typedByAnAttacker, vouches);
    expect(verifiedEmailOf(believed)).toBeNull();
    expect(claimedEmailOf(believed)).toBe("boss@example.com"); // still seen, to detect the collision
    const user = localProfileCallback(parseEnv(production))(typedByAnAttacker);
    expect(user.email).toBeNull();
    expect(roleForEmail(user.email, adminEmails)).toBe("user");
  });

  it("is refused, not linked, when the address belongs to a user", () => {
    const emailVerified = verifiedEmailOf(believedProfile(typedByAnAttacker, vouches)) !== null;
    expect(decideLinking({ accountExists: false, emailVerified, userWithClaimedEmailExists: true })).toBe("refuse");
  });

  it("is believed, as in development, on a deployment that says AUTH_LOCAL_IDP_TRUSTED=on", () => {
    const user = localProfileCallback(parseEnv({ ...production, AUTH_LOCAL_IDP_TRUSTED: "on" }))(typedByAnAttacker);
    expect(user.email).toBe("boss@example.com");
    expect(localProfileCallback(parseEnv(development))(typedByAnAttacker).email).toBe("boss@example.com");
  });
});

describe("mayUnvouchedAccountOpen", () => {
  it("opens only a user such an account could have made itself: no email, no admin role", () => {
    expect(mayUnvouchedAccountOpen({ email: null, role: "user" })).toBe(true);
    expect(mayUnvouchedAccountOpen({ email: "boss@example.com", role: "admin" })).toBe(false);
    expect(mayUnvouchedAccountOpen({ email: "ada@example.com", role: "user" })).toBe(false);
    expect(mayUnvouchedAccountOpen({ email: null, role: "admin" })).toBe(false);
  });
});

describe("the start-up warning", () => {
  it("says in production that the local IdP's emails are unverified, or loudly that they are trusted", () => {
    expect(localIdpWarning(parseEnv(production))).toMatch(/emails count as unverified: its users get no email address and no role from/);
    const trusted = localIdpWarning(parseEnv({ ...production, AUTH_LOCAL_IDP_TRUSTED: "on" }));
    expect(trusted).toMatch(/AUTH_LOCAL_IDP_TRUSTED=on: its emails count as VERIFIED/);
    expect(trusted).toMatch(/ADMIN_EMAILS becomes an ADMIN/);
    expect(localIdpWarning(parseEnv(development))).toBeNull();
  });
});
