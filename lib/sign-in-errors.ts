/**
 * Readable messages for the `error` codes Auth.js (and our `signIn` callback) put on /signin.
 * Unknown codes get the generic message: the page never echoes the raw parameter.
 * @see https://authjs.dev/reference/core/errors
 */
const messages: Record<string, string> = {
  OAuthAccountNotLinked:
    "An account with this email address already exists, and this sign-in could not be linked to it because the provider did not confirm that the address is yours. Sign in the way you did before.",
  AccessDenied: "Sign-in was cancelled or refused.",
  TooManyAttempts: "Too many sign-in attempts for this account. Please wait a few minutes and try again.",
  OAuthCallbackError: "The identity provider did not complete the sign-in. Please try again.",
  OAuthSignin: "We could not start the sign-in with that provider. Please try again.",
  Verification: "That sign-in link is no longer valid.",
  Configuration: "Sign-in is not available right now because of a server configuration problem.",
  UnknownProvider: "That sign-in provider is not available here. Choose one of the buttons below.",
};

const fallback = "Something went wrong while signing you in. Please try again.";

export function signInErrorMessage(code: unknown): string | null {
  if (typeof code !== "string" || code === "") return null;
  return Object.hasOwn(messages, code) ? (messages[code] ?? fallback) : fallback;
}
