import type { AccessTokenClaims } from "./access-token";

/**
 * Access tokens whose signature has been checked, by the token string, until they expire: the API's hot
 * path verifies a token once per process instead of once per request. Only the signature and claims are
 * remembered; revocation is checked on every use.
 */
export interface VerifiedTokenCache {
  get(token: string): AccessTokenClaims | undefined;
  remember(token: string, claims: AccessTokenClaims): void;
  forget(token: string): void;
}

/** At most `maxEntries` tokens; when full, the oldest entry makes room (a Map keeps insertion order). */
export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const verified = new Map<string, AccessTokenClaims>();
  return {
    get: (token) => verified.get(token),
    remember(token, claims) {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
      verified.set(token, claims);
    },
    forget: (token) => void verified.delete(token),
  };
}
