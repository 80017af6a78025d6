import "server-only";

import { getEnv } from "@/server/env";
import { EnvError, type Env } from "@/server/env-schema";

/**
 * Validates the environment as the server starts, so a wrong configuration stops the app with one
 * clear line per problem instead of failing on some later request.
 */
export function checkStartup() {
  try {
    const warning = localIdpWarning(getEnv());
    if (warning) console.warn(warning);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** What the deployer must know when the local identity provider runs in production, or `null`. */
export function localIdpWarning(env: Pick<Env, "isProduction" | "localIdp" | "localIdpTrusted">): string | null {
  if (!env.isProduction || !env.localIdp) return null;
  return (
    "\n" +
    "!!! WARNING: AUTH_LOCAL_IDP=on in production. The local identity provider lets ANYONE sign in\n" +
    "!!! with ANY name and email. Use it for demos and tests only; turn it off for real users.\n" +
    (env.localIdpTrusted
      ? "!!! AUTH_LOCAL_IDP_TRUSTED=on: its emails count as VERIFIED. Anyone who types an address from\n" +
        "!!! ADMIN_EMAILS becomes an ADMIN, and anyone who types another person's address is linked into\n" +
        "!!! that person's account. Only for a demo or test deployment whose users are all fake.\n"
      : "!!! Its emails count as unverified: its users get no email address and no role from ADMIN_EMAILS,\n" +
        "!!! and it never signs in to an account a real provider verified (AUTH_LOCAL_IDP_TRUSTED is off).\n")
  );
}
