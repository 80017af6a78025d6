import type { PrismaClient } from "@/generated/prisma/client";
import { claimedEmailOf, verifiedEmailOf, type ProviderProfile } from "@/server/auth/provider-profile";

/** Auth.js's error code for "this email belongs to another account"; /signin explains it. */
export const ACCOUNT_NOT_LINKED_REDIRECT = "/signin?error=OAuthAccountNotLinked";

export type LinkingDecision = "allow" | "refuse";

/**
 * Decides whether a provider sign-in may go on. Pure, so each branch is unit-tested.
 *
 * - A provider account we already know signs in its user.
 * - A new account whose verified email matches a user is linked to that user (by Auth.js).
 * - A new account whose *unverified* email matches a user is refused: linking it would hand the
 *   account to whoever typed that address at the provider.
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

/** Looks up what `decideLinking` needs and returns Auth.js's `signIn` callback answer. */
export async function checkAccountLinking(
  db: PrismaClient,
  account: { provider: string; providerAccountId: string },
  profile: ProviderProfile,
): Promise<true | string> {
  const claimedEmail = claimedEmailOf(profile);
  const emailVerified = verifiedEmailOf(profile) !== null;
  // Only an unverified address that someone else owns can be refused: skip the queries otherwise.
  if (!claimedEmail || emailVerified) return true;

  const [existingAccount, userWithEmail] = await Promise.all([
    db.account.findUnique({
      where: { provider_providerAccountId: { provider: account.provider, providerAccountId: account.providerAccountId } },
      select: { userId: true },
    }),
    db.user.findUnique({ where: { email: claimedEmail }, select: { id: true } }),
  ]);
  const decision = decideLinking({
    accountExists: existingAccount !== null,
    emailVerified,
    userWithClaimedEmailExists: userWithEmail !== null,
  });
  return decision === "allow" ? true : ACCOUNT_NOT_LINKED_REDIRECT;
}
