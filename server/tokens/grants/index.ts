import { DEVICE_CODE_GRANT_TYPE } from "@/lib/grant-types";

import { authorizationCodeGrant } from "./authorization-code";
import { clientCredentialsGrant } from "./client-credentials";
import { deviceCodeGrant } from "./device-code";
import type { TokenGrant } from "./grant";
import { refreshTokenGrant } from "./refresh-token";

/**
 * The token endpoint's grants, by `grant_type` (RFC 6749 §4, §6). Adding a grant is one module in this
 * folder exporting a `defineGrant({ schema, handle })`, and one line here; the endpoint and the
 * discovery document (`grant_types_supported`) follow.
 */
export const tokenGrants = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  [DEVICE_CODE_GRANT_TYPE]: deviceCodeGrant,
} satisfies Record<string, TokenGrant>;

export type GrantType = keyof typeof tokenGrants;

export const SUPPORTED_GRANT_TYPES = Object.keys(tokenGrants) as GrantType[];

/**
 * The grant for a `grant_type`, or undefined. An unknown grant type is `unsupported_grant_type` (RFC 6749
 * §5.2), which no grant's schema can say, so the endpoint looks the grant up before parsing anything.
 * Own keys only: `toString` or `__proto__` is no grant.
 */
export function findGrant(grantType: string): TokenGrant | undefined {
  return Object.hasOwn(tokenGrants, grantType) ? tokenGrants[grantType as GrantType] : undefined;
}

export type { TokenGrant } from "./grant";
