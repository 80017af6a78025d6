import "server-only";

import { getEnv } from "@/server/env";
import { EnvError } from "@/server/env-schema";

/**
 * Validates the environment as the server starts, so a wrong configuration stops the app with one
 * clear line per problem instead of failing on some later request.
 */
export function checkStartup() {
  try {
    const env = getEnv();
    if (env.isProduction && env.localIdp) {
      console.warn(
        "\n" +
          "!!! WARNING: AUTH_LOCAL_IDP=on in production. The local identity provider lets ANYONE sign in\n" +
          "!!! with ANY name and email. Use it for demos and tests only; turn it off for real users.\n",
      );
    }
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
