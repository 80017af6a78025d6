import type { PrismaClient } from "@/generated/prisma/client";
import { believedProfile, claimedEmailOf, verifiedEmailOf, type ProviderProfile } from "@/server/auth/provider-profile";
import type { Role } from "@/server/roles/sync-role";

/** Auth.js's error code for "this email belongs to another account"; /signin explains it. */
export const ACCOUNT_NOT_LINKED_REDIRECT = "/signin?error=OAuthAccountNotLinked";
/** Auth.js's error code for a refused sign-in. */
export const ACCESS_DENIED_REDIRECT = "/signin?error=AccessDenied";

export type LinkingDecision = "allow" | "refuse";

/**
 * Decides whether a provider sign-in may go on. Pure, so each branch is unit-tested.
 *
 * - A provider account we already know signs in its user.
 * - A new account whose verified email matches a user is linked to that user (by Auth.js).
 * - A new account whose *unverified* email matches a user is refused: linking it would hand the
 *   account to whoever typed that address at the provider. (The local IdP's addresses count as
 *   unverified in production: `providerVouchesForEmails`.)
 * - Anything else creates a new user (with no email when the address is unverified).
 */
export function decideLinking(input: {
  accountExists: boolean;
  emailVerified: boolean;
  userWithClaimedEmailExists: boolean;
}): LinkingDecision {
  if (input.accountExists || input.emailVerified) return "allow";
  return input.userWithClaimedEmailExists ? "refuse" : "allow";
}

/**
 * Whether an account at a provider that vouches for nobody (the local IdP in production) may open its
 * user's session: only for a user such an account could have made itself, with no email address and no
 * admin role. One can still be linked to a real person (left from a time the provider was trusted, or
 * added while that person was signed in), and the local IdP hands any subject to whoever types it.
 */
export function mayUnvouchedAccountOpen(user: { email: string | null; role: Role }): boolean {
  return user.email === null && user.role !== "admin";
}

/** A refused sign-in: where Auth.js sends the person, and why (for the audit log). */
export interface SignInRefusal {
  redirect: string;
  reason: "unverified_email_of_existing_user" | "unvouched_account_of_verified_user";
}

/**
 * Looks up what `decideLinking` and `mayUnvouchedAccountOpen` need; `true` lets the sign-in go on.
 * `vouchesForEmails` is `providerVouchesForEmails(account.provider, env)`.
 */
export async function checkAccountLinking(
  db: PrismaClient,
  account: { provider: string; providerAccountId: string },
  profile: ProviderProfile,
  { vouchesForEmails }: { vouchesForEmails: boolean },
): Promise<true | SignInRefusal> {
  const claimedEmail = claimedEmailOf(profile);
  const emailVerified = verifiedEmailOf(believedProfile(profile, vouchesForEmails)) !== null;
  // Only an unverified address that someone else owns, or an account nobody vouches for, can be refused:
  // skip the queries otherwise.
  if (vouchesForEmails && (!claimedEmail || emailVerified)) return true;

  const [existingAccount, userWithEmail] = await Promise.all([
    db.account.findUnique({
      where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
      select: { user: { select: { email: true, role: true } } },
    }),
    claimedEmail ? db.user.findUnique({ where: { email: claimedEmail }, select: { id: true } }) : null,
  ]);
  if (existingAccount && !vouchesForEmails && !mayUnvouchedAccountOpen(existingAccount.user)) {
    return { redirect: ACCESS_DENIED_REDIRECT, reason: "unvouched_account_of_verified_user" };
  }
  const decision = decideLinking({
    accountExists: existingAccount !== null,
    emailVerified,
    userWithClaimedEmailExists: userWithEmail !== null,
  });
  return decision === "allow" ? true : { redirect: ACCOUNT_NOT_LINKED_REDIRECT, reason: "unverified_email_of_existing_user" };
}
