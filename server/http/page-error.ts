import "server-only";

import { redirect } from "next/navigation";

import { AppError } from "@/lib/app-error";
import { signInUrlReturningTo } from "@/lib/safe-redirect";

/**
 * The page boundary: what a page or server action does with each error it expects, by code (the
 * resource API's table is in api-error.ts, the OAuth endpoints' in server/oauth/oauth-response.ts).
 * Anything else is rethrown to the nearest `error.tsx`, which shows a generic page; Next.js logs it.
 */
const PAGE_ERROR_ANSWERS: Record<string, (returnTo: string) => string> = {
  // The browser session that asked for a grant ended while it was being written (signed out on another
  // tab or device): the person signs in again and comes back to where they were.
  issuing_session_ended: (returnTo) => signInUrlReturningTo(returnTo),
  // A sign-in form naming a provider that is not enabled (an old page, or a hand-made request).
  unknown_sign_in_provider: () => "/signin?error=UnknownProvider",
};

/** Where the page boundary sends the browser for this error, or `null` when it is not one it expects. */
export function pageErrorRedirect(error: unknown, returnTo: string): string | null {
  const answer = error instanceof AppError ? PAGE_ERROR_ANSWERS[error.code] : undefined;
  return answer ? answer(returnTo) : null;
}

/** Answers an error in a page or server action: a redirect for the codes above, else rethrows it. */
export function answerPageError(error: unknown, { returnTo }: { returnTo: string }): never {
  const destination = pageErrorRedirect(error, returnTo);
  if (destination) redirect(destination);
  throw error;
}
