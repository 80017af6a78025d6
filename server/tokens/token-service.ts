import type { OAuthClient } from "./clients";
import { verifyAccessToken } from "./access-token-verification";
import { createAuthorizationCode } from "./create-authorization-code";
import { decideDeviceCode, findPendingDeviceCode, startDeviceAuthorization } from "./device-authorization";
import { describeFamily, listFamilies } from "./family-queries";
import { revokeAllForUser, revokeFamiliesOfSession, revokeFamily, revokeUserFamily } from "./family-revocation";
import { exchangeAuthorizationCode } from "./grants/authorization-code";
import { assertClientMayUse, type TokenGrant } from "./grants/grant";
import { exchangeRefreshToken } from "./grants/refresh-token";
import { assertMayIntrospect, introspect } from "./introspection";
import { issueFamily } from "./issue-family";
import { revokeToken } from "./revocation";
import { createTokenContext, type TokenContext, type TokenServiceDeps } from "./token-context";

export type { TokenServiceDeps } from "./token-context";
export type { VerifiedAccessToken } from "./access-token-verification";
export type { RevocationReason } from "./family-revocation";

/**
 * The authorization server's core: issues, rotates, verifies and revokes tokens. No Next.js here: the
 * clock, database, keys and revocation list are given, so it is tested on its own against real
 * PostgreSQL and Redis.
 *
 * Each operation is a module of its own taking the shared `TokenContext` first (token-context.ts); the
 * service builds that context once and hands each operation it. The token endpoint's grants are a
 * registry (grants/index.ts), run through `handleGrant`.
 */
export function createTokenService(deps: TokenServiceDeps) {
  const context = createTokenContext(deps);
  /** An operation with the context already given. */
  const bound =
    <Args extends unknown[], Result>(operation: (context: TokenContext, ...args: Args) => Result) =>
    (...args: Args): Result =>
      operation(context, ...args);

  return {
    /** @see verifyAccessToken in access-token-verification.ts */
    verifyAccessToken: bound(verifyAccessToken),
    /** @see revokeFamily in family-revocation.ts */
    revokeFamily: bound(revokeFamily),
    /** @see issueFamily in issue-family.ts */
    issueFamily: bound(issueFamily),
    /** @see createAuthorizationCode in create-authorization-code.ts */
    createAuthorizationCode: bound(createAuthorizationCode),
    /** @see exchangeAuthorizationCode in grants/authorization-code.ts */
    exchangeAuthorizationCode: bound(exchangeAuthorizationCode),
    /** @see exchangeRefreshToken in grants/refresh-token.ts */
    refresh: bound(exchangeRefreshToken),
    /**
     * Runs a token endpoint grant (see grants/index.ts) for an authenticated client, with the
     * parameters its own schema returned.
     * @throws {OAuthError}
     */
    async handleGrant<Params>(grant: TokenGrant<Params>, client: OAuthClient, params: Params) {
      assertClientMayUse(client, grant.grantType);
      return grant.handle(context, client, params);
    },
    /**
     * RFC 7662 §2.1: refuses, with invalid_client, a client that may not introspect, before its request is
     * looked at (the endpoint calls this before it parses the token; `introspect` checks again).
     */
    assertMayIntrospect,
    /** @see startDeviceAuthorization in device-authorization.ts */
    startDeviceAuthorization: bound(startDeviceAuthorization),
    /** @see findPendingDeviceCode in device-authorization.ts */
    findPendingDeviceCode: bound(findPendingDeviceCode),
    /** @see decideDeviceCode in device-authorization.ts */
    decideDeviceCode: bound(decideDeviceCode),
    /** @see revokeToken in revocation.ts */
    revokeToken: bound(revokeToken),
    /** @see introspect in introspection.ts */
    introspect: bound(introspect),
    /** @see revokeFamiliesOfSession in family-revocation.ts */
    revokeFamiliesOfSession: bound(revokeFamiliesOfSession),
    /** @see revokeAllForUser in family-revocation.ts */
    revokeAllForUser: bound(revokeAllForUser),
    /** @see revokeUserFamily in family-revocation.ts */
    revokeUserFamily: bound(revokeUserFamily),
    /** @see describeFamily in family-queries.ts */
    describeFamily: bound(describeFamily),
    /** @see listFamilies in family-queries.ts */
    listFamilies: bound(listFamilies),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
