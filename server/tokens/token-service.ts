import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import type { PrismaClient, TokenFamilyKind } from "@/generated/prisma/client";
import type { AuditEntry } from "@/server/audit/audit-log";

import { signAccessToken, verifyAccessToken as verifyJwt, type AccessTokenClaims, type SigningKey } from "./access-token";
import type { OAuthClient } from "./clients";
import { IssuingSessionEndedError, OAuthError, TokenVerificationError } from "./errors";
import { generateOpaqueToken, hashOpaqueToken, isOpaqueToken } from "./opaque-token";
import type { RevocationList } from "./revocation-list";
import { openSuccessor, sealSuccessor } from "./successor-seal";
import type { TokenServiceConfig } from "./token-config";

/** The token endpoint's success body (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** A verified, unrevoked access token, as the API resolver needs it. */
export interface VerifiedAccessToken {
  /** The person, or null for a client's own token (sub = client_id, RFC 9068 §2.2). */
  userId: string | null;
  clientId: string;
  jti: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
}

export interface TokenServiceDeps {
  db: PrismaClient;
  keys: { currentSigningKey(): Promise<SigningKey>; verificationKey(kid: string): Promise<CryptoKey | null> };
  revocations: RevocationList;
  config: TokenServiceConfig;
  now?: () => Date;
  audit?: (entry: AuditEntry) => void;
  /** Verified tokens kept in memory (by the token string, until expiry): the hot path's signature cache. */
  verifiedCacheSize?: number;
  /**
   * Whether a browser session is still live (not revoked, not past its idle or absolute end). A family
   * bound to a session refreshes only while it is: a session can end by expiring, with no revocation to
   * tell us.
   */
  isSessionLive?: (sessionId: string) => Promise<boolean>;
}

export type RevocationReason =
  | "revoked_by_user"
  | "revoked_by_client"
  | "refresh_token_reuse"
  | "authorization_code_reuse"
  | "session_ended"
  | "sign_out_everywhere";

const invalidGrant = (description: string) => new OAuthError("invalid_grant", description);
const STALE_REFRESH = "The refresh token is invalid, expired or revoked.";

/** A lost race for a refresh token (another request rotated it first): answered from the winner's result. */
class RotationRaceLost extends Error {}

/**
 * The authorization server's core: issues, rotates, verifies and revokes tokens. No Next.js here: the
 * clock, database, keys and revocation list are given, so it is tested on its own against real
 * PostgreSQL and Redis.
 */
export function createTokenService({
  db,
  keys,
  revocations,
  config,
  now = () => new Date(),
  audit = () => {},
  verifiedCacheSize = 10_000,
  isSessionLive = async () => true,
}: TokenServiceDeps) {
  const verified = new Map<string, AccessTokenClaims>();
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

  async function mintAccessToken(sub: string, clientId: string, scopes: readonly string[]) {
    const key = await keys.currentSigningKey();
    const iat = seconds(now());
    const exp = iat + config.accessTokenTtlSeconds;
    const jti = randomBytes(16).toString("base64url");
    const scope = scopes.join(" ");
    const token = await signAccessToken(key, { iss: config.issuer, aud: config.audience, sub, client_id: clientId, scope, jti, iat, exp });
    return { token, jti, scope, exp, expiresAt: new Date(exp * 1000) };
  }

  function refreshExpiry(familyExpiresAt: Date): Date {
    return new Date(Math.min(now().getTime() + config.refreshTokenTtlSeconds * 1000, familyExpiresAt.getTime()));
  }

  function tokenResponse(accessToken: string, exp: number, refreshToken: string, scope: string): TokenResponse {
    return { access_token: accessToken, token_type: "Bearer", expires_in: Math.max(0, exp - seconds(now())), refresh_token: refreshToken, scope };
  }

  type MintedAccessToken = Awaited<ReturnType<typeof mintAccessToken>>;

  /**
   * Writes a family's first refresh token beside its access token, inside the caller's transaction. The
   * access token is minted *before* the transaction opens: minting may reload the signing keys through
   * the shared client, and a query outside a transaction that waits for a connection while the
   * transaction holds one deadlocks on a pool of one (the embedded database serves one transaction at a
   * time). Nothing here touches anything but `tx`.
   */
  async function startFamily(
    tx: Pick<PrismaClient, "tokenFamily">,
    family: { kind: TokenFamilyKind; clientId: string; userId: string; scopes: string[]; name?: string; sessionId?: string },
    access: MintedAccessToken,
  ) {
    const refreshToken = generateOpaqueToken("refreshToken");
    const familyExpiresAt = new Date(now().getTime() + config.familyMaxAgeSeconds * 1000);
    const created = await tx.tokenFamily.create({
      data: {
        ...family,
        expiresAt: familyExpiresAt,
        lastUsedAt: now(),
        createdAt: now(),
        tokens: {
          create: {
            tokenHash: hashOpaqueToken(refreshToken),
            expiresAt: refreshExpiry(familyExpiresAt),
            accessTokenJti: access.jti,
            accessTokenExpiresAt: access.expiresAt,
            createdAt: now(),
          },
        },
      },
      select: { id: true },
    });
    return { familyId: created.id, response: tokenResponse(access.token, access.exp, refreshToken, access.scope) };
  }

  /**
   * Holds the issuing browser session's row (FOR SHARE) until the grant is written, and refuses if it is
   * gone. "Sign out everywhere" deletes the sessions before it sweeps the families: its delete waits for
   * grants in flight, so a pair or code issued by a session it ends is always in the sweep, never after it.
   */
  async function lockIssuingSession(tx: Pick<PrismaClient, "$queryRaw">, sessionId: string) {
    const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM "Session" WHERE "id" = ${sessionId} FOR SHARE`;
    if (rows.length === 0) throw new IssuingSessionEndedError();
  }

  async function revokeFamily(familyId: string, reason: RevocationReason, actorId: string | null = null): Promise<boolean> {
    const at = now();
    // One transaction: the family is marked and its access tokens denied together, or neither is. The
    // update locks the family row first, so a refresh in flight commits before the tokens are listed
    // (and its new access token is denied too) or finds the family revoked.
    const revoked = await db.$transaction(async (tx) => {
      const marked = await tx.tokenFamily.updateManyAndReturn({
        where: { id: familyId, revokedAt: null },
        data: { revokedAt: at, revokedReason: reason },
        select: { userId: true, clientId: true },
      });
      const live = await tx.refreshToken.findMany({
        where: { familyId, accessTokenExpiresAt: { gt: at } },
        select: { accessTokenJti: true, accessTokenExpiresAt: true },
      });
      await revocations.revokeAccessTokens(
        live.map((token) => ({ jti: token.accessTokenJti, expiresAt: token.accessTokenExpiresAt })),
        tx,
      );
      return marked[0];
    });
    if (revoked) audit({ event: "token_family_revoked", actorId, subjectId: revoked.userId, details: { familyId, reason, clientId: revoked.clientId } });
    return revoked !== undefined;
  }

  async function revokeFamiliesWhere(where: { userId?: string; sessionId?: string }, reason: RevocationReason, actorId: string | null) {
    const families = await db.tokenFamily.findMany({ where: { ...where, revokedAt: null }, select: { id: true } });
    for (const family of families) await revokeFamily(family.id, reason, actorId);
    return families.length;
  }

  /** A retired refresh token presented again: the same successor within the grace window, else the family dies. */
  async function answerRetired(refreshToken: string, tokenId: string): Promise<TokenResponse> {
    const row = await db.refreshToken.findUniqueOrThrow({
      where: { id: tokenId },
      select: { familyId: true, retiredAt: true, successorId: true, successorSealed: true, family: { select: { userId: true, clientId: true, revokedAt: true } } },
    });
    const successor = row.successorId ? await db.refreshToken.findUnique({ where: { id: row.successorId }, select: { retiredAt: true } }) : null;
    const withinGrace = row.retiredAt !== null && now().getTime() - row.retiredAt.getTime() <= config.reuseGraceSeconds * 1000;
    if (withinGrace && successor && successor.retiredAt === null && row.successorSealed && !row.family.revokedAt) {
      const pair = await openSuccessor(refreshToken, row.successorSealed);
      return tokenResponse(pair.accessToken, pair.expiresAt, pair.refreshToken, pair.scope);
    }
    // RFC 9700 §4.14.2: a rotated refresh token used again means two parties hold it; one is an attacker,
    // and we cannot tell which, so the whole family goes.
    const revoked = await revokeFamily(row.familyId, "refresh_token_reuse");
    if (revoked) {
      audit({ event: "refresh_token_reused", subjectId: row.family.userId, details: { familyId: row.familyId, clientId: row.family.clientId } });
    }
    throw invalidGrant(STALE_REFRESH);
  }

  /** The claims of a valid, unrevoked access token (the verified-token cache first). */
  async function liveAccessTokenClaims(token: string): Promise<AccessTokenClaims> {
    let claims = verified.get(token);
    const nowSeconds = seconds(now());
    if (!claims) {
      claims = await verifyJwt(token, { issuer: config.issuer, audience: config.audience, keyFor: keys.verificationKey, now, clockSkewSeconds: config.clockSkewSeconds });
      if (verified.size >= verifiedCacheSize) verified.delete(verified.keys().next().value!);
      verified.set(token, claims);
    } else if (claims.exp + config.clockSkewSeconds <= nowSeconds) {
      verified.delete(token);
      throw new TokenVerificationError("expired");
    }
    if (await revocations.isRevoked({ jti: claims.jti, userId: subjectUserId(claims), iat: claims.iat })) throw new TokenVerificationError("revoked");
    return claims;
  }

  async function verifyAccessToken(token: string): Promise<VerifiedAccessToken> {
    const claims = await liveAccessTokenClaims(token);
    return {
      userId: subjectUserId(claims),
      clientId: claims.client_id,
      jti: claims.jti,
      scopes: claims.scope.split(" ").filter(Boolean),
      issuedAt: claims.iat,
      expiresAt: claims.exp,
    };
  }

  return {
    verifyAccessToken,
    revokeFamily,

    /**
     * Issues a token pair outside any redirect flow: the playground's (bound to the browser session) and
     * personal API tokens (named). The person is authenticated by `issuingSessionId`, which must still be
     * live when the pair is written (see `lockIssuingSession`).
     */
    async issueFamily(input: {
      kind: "personal" | "playground";
      clientId: string;
      userId: string;
      scopes: string[];
      name?: string;
      issuingSessionId: string;
      /** Ends with the session (the playground's pair). */
      boundToSession?: boolean;
    }) {
      const { issuingSessionId, boundToSession, ...family } = input;
      const access = await mintAccessToken(family.userId, family.clientId, family.scopes);
      const result = await db.$transaction(async (tx) => {
        await lockIssuingSession(tx, issuingSessionId);
        return startFamily(tx, { ...family, sessionId: boundToSession ? issuingSessionId : undefined }, access);
      });
      audit({ event: "tokens_issued", actorId: input.userId, subjectId: input.userId, details: { familyId: result.familyId, clientId: input.clientId, kind: input.kind } });
      return result;
    },

    /**
     * Issues an authorization code (RFC 6749 §4.1.2) once the person has approved the request.
     * @returns the code (only its hash is stored).
     */
    async createAuthorizationCode(input: { clientId: string; userId: string; redirectUri: string; scopes: string[]; codeChallenge: string; issuingSessionId: string }) {
      const code = generateOpaqueToken("authorizationCode");
      await db.$transaction(async (tx) => {
        await lockIssuingSession(tx, input.issuingSessionId);
        await tx.authorizationCode.create({
          data: { ...input, codeHash: hashOpaqueToken(code), expiresAt: new Date(now().getTime() + config.authorizationCodeTtlSeconds * 1000), createdAt: now() },
        });
      });
      return code;
    },

    /**
     * The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6). A code works once: presented again,
     * it revokes the tokens its first use issued (RFC 6749 §4.1.2).
     * @throws {OAuthError}
     */
    async exchangeAuthorizationCode(client: OAuthClient, input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenResponse> {
      if (!client.grantTypes.includes("authorization_code")) throw new OAuthError("unauthorized_client", "This client may not use the authorization_code grant.");
      const invalidCode = invalidGrant("The authorization code is invalid, expired or already used.");
      if (!isOpaqueToken("authorizationCode", input.code)) throw invalidCode;
      const codeHash = hashOpaqueToken(input.code);
      const row = await db.authorizationCode.findUnique({ where: { codeHash } });
      if (!row || row.clientId !== client.id) throw invalidCode;
      if (row.usedAt) {
        if (row.familyId && (await revokeFamily(row.familyId, "authorization_code_reuse"))) {
          audit({ event: "authorization_code_reused", subjectId: row.userId, details: { familyId: row.familyId, clientId: client.id } });
        }
        throw invalidCode;
      }
      if (row.expiresAt <= now()) throw invalidCode;
      // A code issued before "sign out everywhere" must not start a pair after it.
      const owner = await db.user.findUnique({ where: { id: row.userId }, select: { tokensValidAfter: true } });
      if (!owner || (owner.tokensValidAfter && row.createdAt < owner.tokensValidAfter)) throw invalidCode;
      if (row.redirectUri !== input.redirectUri) throw invalidGrant("redirect_uri differs from the one the code was issued for.");
      if (!pkceMatches(input.codeVerifier, row.codeChallenge)) throw invalidGrant("The PKCE code_verifier does not match the code_challenge.");
      // The code stands for a person's approval in one browser session: once that device has signed out
      // (or its session expired) the code is worthless, even within its minute.
      const { issuingSessionId } = row;
      if (!issuingSessionId || !(await isSessionLive(issuingSessionId))) throw invalidGrant("The browser session that approved this code has ended.");

      // Minted before the transaction (see startFamily); if the claim below loses, it is never handed out.
      const access = await mintAccessToken(row.userId, client.id, row.scopes);
      const issued = await db
        .$transaction(async (tx) => {
          // Claims the code; a concurrent exchange waits on the row lock, then finds it used.
          // Held until commit: a sign-out ending that session now waits, or has already run and refuses here.
          await lockIssuingSession(tx, issuingSessionId);
          const claimed = await tx.authorizationCode.updateMany({ where: { codeHash, usedAt: null }, data: { usedAt: now() } });
          if (claimed.count === 0) throw new RotationRaceLost();
          const started = await startFamily(tx, { kind: "authorization_code", clientId: client.id, userId: row.userId, scopes: row.scopes }, access);
          await tx.authorizationCode.update({ where: { codeHash }, data: { familyId: started.familyId } });
          return started;
        })
        .catch(async (error: unknown) => {
          if (error instanceof IssuingSessionEndedError) throw invalidGrant("The browser session that approved this code has ended.");
          if (!(error instanceof RotationRaceLost)) throw error;
          const winner = await db.authorizationCode.findUnique({ where: { codeHash }, select: { familyId: true } });
          if (winner?.familyId) await revokeFamily(winner.familyId, "authorization_code_reuse");
          throw invalidCode;
        });
      audit({ event: "tokens_issued", actorId: row.userId, subjectId: row.userId, details: { familyId: issued.familyId, clientId: client.id, kind: "authorization_code" } });
      return issued.response;
    },

    /**
     * The refresh_token grant (RFC 6749 §6) with rotation: the presented token is retired and a successor
     * issued. An optional narrower `scopes` applies to the new access token only.
     * @throws {OAuthError}
     */
    async refresh(client: OAuthClient, input: { refreshToken: string; scopes?: string[] }): Promise<TokenResponse> {
      if (!client.grantTypes.includes("refresh_token")) throw new OAuthError("unauthorized_client", "This client may not use the refresh_token grant.");
      if (!isOpaqueToken("refreshToken", input.refreshToken)) throw invalidGrant(STALE_REFRESH);
      const row = await db.refreshToken.findUnique({
        where: { tokenHash: hashOpaqueToken(input.refreshToken) },
        include: { family: true },
      });
      // Another client's token: refused, but not treated as reuse (the holder may just be confused).
      if (!row || row.family.clientId !== client.id || row.family.revokedAt) throw invalidGrant(STALE_REFRESH);
      if (row.retiredAt) return answerRetired(input.refreshToken, row.id);
      if (row.expiresAt <= now() || row.family.expiresAt <= now()) throw invalidGrant(STALE_REFRESH);
      if (row.family.sessionId && !(await isSessionLive(row.family.sessionId))) {
        await revokeFamily(row.familyId, "session_ended");
        throw invalidGrant(STALE_REFRESH);
      }
      const scopes = input.scopes && input.scopes.length > 0 ? input.scopes : row.family.scopes;
      if (!scopes.every((scope) => row.family.scopes.includes(scope))) throw new OAuthError("invalid_scope", "A refresh can only keep or narrow the granted scopes.");

      const access = await mintAccessToken(row.family.userId, client.id, scopes);
      const successor = generateOpaqueToken("refreshToken");
      const sealed = await sealSuccessor(input.refreshToken, { refreshToken: successor, accessToken: access.token, scope: access.scope, expiresAt: access.exp });
      try {
        await db.$transaction(async (tx) => {
          // Locks the family row: a revocation running now either finishes first (and this aborts) or
          // waits for this commit (and then denies the access token issued here too).
          const live = await tx.tokenFamily.updateMany({ where: { id: row.familyId, revokedAt: null }, data: { lastUsedAt: now() } });
          if (live.count === 0) throw invalidGrant(STALE_REFRESH);
          const next = await tx.refreshToken.create({
            data: {
              tokenHash: hashOpaqueToken(successor),
              familyId: row.familyId,
              expiresAt: refreshExpiry(row.family.expiresAt),
              accessTokenJti: access.jti,
              accessTokenExpiresAt: access.expiresAt,
              createdAt: now(),
            },
            select: { id: true },
          });
          const retired = await tx.refreshToken.updateMany({
            where: { id: row.id, retiredAt: null },
            data: { retiredAt: now(), successorId: next.id, successorSealed: sealed },
          });
          if (retired.count === 0) throw new RotationRaceLost();
        });
      } catch (error) {
        if (error instanceof RotationRaceLost) return answerRetired(input.refreshToken, row.id);
        throw error;
      }
      return tokenResponse(access.token, access.exp, successor, access.scope);
    },

    /**
     * Token revocation (RFC 7009 §2). Unknown tokens, and tokens of another client, are ignored: the
     * answer is the same, so nothing can be learnt from it. A refresh token takes its family (and the
     * family's access tokens) with it; an access token is denied until it expires.
     */
    async revokeToken(client: OAuthClient, token: string): Promise<void> {
      if (isOpaqueToken("refreshToken", token)) {
        const row = await db.refreshToken.findUnique({ where: { tokenHash: hashOpaqueToken(token) }, select: { familyId: true, family: { select: { clientId: true } } } });
        if (row && row.family.clientId === client.id) await revokeFamily(row.familyId, "revoked_by_client");
        return;
      }
      const claims = await verifyJwt(token, { issuer: config.issuer, audience: config.audience, keyFor: keys.verificationKey, now, clockSkewSeconds: config.clockSkewSeconds }).catch(() => null);
      if (claims && claims.client_id === client.id) await revocations.revokeAccessTokens([{ jti: claims.jti, expiresAt: new Date(claims.exp * 1000) }]);
    },

    /**
     * Token introspection (RFC 7662 §2.2): `active: false` and nothing else for anything expired,
     * revoked, retired, malformed or not ours.
     */
    async introspect(token: string): Promise<Record<string, string | number | boolean>> {
      if (isOpaqueToken("refreshToken", token)) {
        const row = await db.refreshToken.findUnique({ where: { tokenHash: hashOpaqueToken(token) }, include: { family: true } });
        const active = row && !row.retiredAt && !row.family.revokedAt && row.expiresAt > now() && row.family.expiresAt > now();
        if (!active) return { active: false };
        return {
          active: true,
          token_type: "refresh_token",
          client_id: row.family.clientId,
          sub: row.family.userId,
          scope: row.family.scopes.join(" "),
          iat: seconds(row.createdAt),
          exp: seconds(row.expiresAt),
          iss: config.issuer,
        };
      }
      try {
        return { active: true, token_type: "Bearer", ...(await liveAccessTokenClaims(token)) };
      } catch (error) {
        if (error instanceof TokenVerificationError) return { active: false };
        throw error;
      }
    },

    /** Revokes the families bound to a browser session (the session itself is ended by the session service). */
    revokeFamiliesOfSession(sessionId: string, actorId: string | null = null) {
      return revokeFamiliesWhere({ sessionId }, "session_ended", actorId);
    },

    /**
     * "Sign out everywhere" for tokens: every family is revoked and every access token issued until now
     * refused (the per-user epoch), whether or not its jti was known.
     */
    async revokeAllForUser(userId: string, actorId: string | null = userId) {
      await revocations.setTokensValidAfter(userId, now());
      await db.authorizationCode.deleteMany({ where: { userId, usedAt: null } });
      return revokeFamiliesWhere({ userId }, "sign_out_everywhere", actorId);
    },

    /** Revokes one family of this user (the Devices & access and tokens pages); false if not theirs or already revoked. */
    async revokeUserFamily(userId: string, familyId: string) {
      const family = await db.tokenFamily.findFirst({ where: { id: familyId, userId }, select: { id: true } });
      return family ? revokeFamily(family.id, "revoked_by_user", userId) : false;
    },

    /**
     * One of the person's families with its chain of refresh tokens, oldest first (the playground shows
     * the rotations). Hashes stay in the database; only ids, times and states come out. Null if not theirs.
     */
    async describeFamily(userId: string, familyId: string) {
      const family = await db.tokenFamily.findFirst({
        where: { id: familyId, userId },
        select: {
          id: true,
          kind: true,
          scopes: true,
          createdAt: true,
          lastUsedAt: true,
          expiresAt: true,
          revokedAt: true,
          revokedReason: true,
          client: { select: { id: true, name: true } },
          tokens: {
            orderBy: { createdAt: "asc" },
            select: { id: true, createdAt: true, expiresAt: true, retiredAt: true, successorId: true, accessTokenJti: true, accessTokenExpiresAt: true },
          },
        },
      });
      return family;
    },

    /** The person's live token families, newest first, for the Devices & access page. */
    listFamilies(userId: string, filter: { kind?: TokenFamilyKind } = {}) {
      return db.tokenFamily.findMany({
        // Live: not revoked, within its absolute end, and holding a refresh token that can still be used.
        where: { userId, revokedAt: null, expiresAt: { gt: now() }, tokens: { some: { retiredAt: null, expiresAt: { gt: now() } } }, ...filter },
        orderBy: { createdAt: "desc" },
        select: { id: true, kind: true, name: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true, sessionId: true, client: { select: { id: true, name: true } } },
      });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

/** The person a token acts for, or null for a client's own token (sub = client_id, RFC 9068 §2.2). */
function subjectUserId(claims: AccessTokenClaims): string | null {
  return claims.sub === claims.client_id ? null : claims.sub;
}

/** RFC 7636 §4.6: BASE64URL(SHA256(code_verifier)) == code_challenge, compared in constant time. */
export function pkceMatches(codeVerifier: string, codeChallenge: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(codeVerifier, "ascii").digest("base64url"));
  const expected = Buffer.from(codeChallenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
