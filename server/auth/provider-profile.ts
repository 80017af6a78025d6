/**
 * What Gatehouse takes from an identity provider's profile, and the one rule about email addresses:
 * a `User.email` is only ever an address the provider says it has verified.
 *
 * Why: Auth.js links a new sign-in to the user who owns the same email address. If an unverified
 * address could reach `User.email`, anyone could register someone else's address at a lax provider
 * and be linked into (or pre-create) their account. Keeping unverified addresses out of `User.email`
 * makes email-based linking safe by construction.
 */

/** The common shape Google, GitHub (after our userinfo request) and the local provider give us. */
export interface ProviderProfile {
  email?: string | null;
  /** OpenID Connect's claim; GitHub's verified flag is copied here by `fetchGitHubProfile`. */
  email_verified?: boolean | string | null;
}

/** The email the provider vouches for, lower-cased, or `null` when it does not vouch for any. */
export function verifiedEmailOf(profile: ProviderProfile): string | null {
  const email = profile.email?.trim().toLowerCase();
  if (!email) return null;
  // Some providers have sent the claim as the string "true"; anything else is "not verified".
  const verified = profile.email_verified === true || profile.email_verified === "true";
  return verified ? email : null;
}

/** The provider id of the local identity provider (idp/). */
export const LOCAL_PROVIDER_ID = "local";

/**
 * Whether a provider's "email verified" can be believed. Google and GitHub verify addresses; the local
 * identity provider lets whoever signs in type any address and tick "verified". That is its purpose on
 * a developer's machine, but in production it would make anyone who types an address from ADMIN_EMAILS
 * an admin, and link anyone into the user who owns the address they type. So in production it vouches
 * for nothing unless the deployer says it may, for a demo or test deployment (AUTH_LOCAL_IDP_TRUSTED=on).
 */
export function providerVouchesForEmails(provider: string, env: { localIdpTrusted: boolean }): boolean {
  return provider !== LOCAL_PROVIDER_ID || env.localIdpTrusted;
}

/** The profile as Gatehouse believes it: from a provider that vouches for nothing, no email is verified. */
export function believedProfile<P extends ProviderProfile>(profile: P, vouchesForEmails: boolean): P {
  return vouchesForEmails ? profile : { ...profile, email_verified: false };
}

/** The email the provider sent, verified or not, lower-cased: used only to detect collisions. */
export function claimedEmailOf(profile: ProviderProfile): string | null {
  return profile.email?.trim().toLowerCase() || null;
}

/** The user record Auth.js creates from a provider profile (`profile()` callback of each provider). */
export function toProviderUser(input: {
  id: string;
  name?: string | null;
  image?: string | null;
  profile: ProviderProfile;
}) {
  return {
    id: input.id,
    name: input.name?.trim() || null,
    email: verifiedEmailOf(input.profile),
    image: input.image ?? null,
  };
}
