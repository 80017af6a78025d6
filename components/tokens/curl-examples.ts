import { PERSONAL_TOKEN_CLIENT_ID } from "@/lib/personal-token-schema";

/**
 * Ready-to-paste commands for a new token pair. The call is one the token's scopes allow, so the first
 * thing someone tries works: /api/v1/me needs `profile`, listing notes `notes:read`, creating one
 * `notes:write`.
 */
export function curlExamples({ issuer, accessToken, refreshToken, scopes }: { issuer: string; accessToken: string; refreshToken: string; scopes: string[] }) {
  const bearer = `-H "Authorization: Bearer ${accessToken}"`;
  const call = scopes.includes("profile")
    ? `curl ${bearer} ${issuer}/api/v1/me`
    : scopes.includes("notes:read")
      ? `curl ${bearer} ${issuer}/api/v1/notes`
      : `curl -X POST ${bearer} -H "Content-Type: application/json" -d '{"title":"Hello from a script"}' ${issuer}/api/v1/notes`;
  const refresh = [
    `curl -X POST ${issuer}/oauth/token`,
    "-d grant_type=refresh_token",
    `-d client_id=${PERSONAL_TOKEN_CLIENT_ID}`,
    `-d refresh_token=${refreshToken}`,
  ].join(" \\\n  ");
  return { call, refresh };
}
