/** The token service's settings (from the environment in the app, chosen freely in tests). */
export interface TokenServiceConfig {
  /** `iss` of every access token, and the authorization server's identifier (RFC 8414). */
  issuer: string;
  /** `aud` of every access token: this app's API. */
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** The absolute lifetime of a family: no refresh token outlives it, however often it rotates. */
  familyMaxAgeSeconds: number;
  authorizationCodeTtlSeconds: number;
  /** How long a device code waits for a person on /device (RFC 8628 §3.2 `expires_in`). */
  deviceCodeTtlSeconds: number;
  /** The least a device waits between polls at first (RFC 8628 §3.2 `interval`); slow_down adds 5 s. */
  devicePollIntervalSeconds: number;
  /** How long a rotated refresh token presented again gets the same successor instead of tripping reuse detection. */
  reuseGraceSeconds: number;
  /** How far clocks may disagree when checking exp, nbf and iat. */
  clockSkewSeconds: number;
}

export const DEFAULT_TOKEN_TIMINGS = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 7 * 24 * 60 * 60,
  familyMaxAgeSeconds: 90 * 24 * 60 * 60,
  authorizationCodeTtlSeconds: 60,
  deviceCodeTtlSeconds: 10 * 60,
  devicePollIntervalSeconds: 5,
  reuseGraceSeconds: 10,
  clockSkewSeconds: 10,
} as const;

/** The API's audience: one resource server, this app's /api. */
export function apiAudience(issuer: string): string {
  return `${issuer}/api`;
}
