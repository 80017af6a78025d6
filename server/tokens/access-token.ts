import { KeyObject, sign } from "node:crypto";

import { errors as joseErrors, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";

import { TokenVerificationError } from "./errors";

/**
 * Access tokens as RFC 9068 JWTs: header `typ: at+jwt`, ES256; claims iss, sub, aud, exp, iat, jti,
 * client_id, scope. Nothing personal or secret beyond the subject id: a JWT is only signed, anyone
 * holding it can read it.
 * @see https://www.rfc-editor.org/rfc/rfc9068
 */
export const ACCESS_TOKEN_TYPE = "at+jwt";
export const ACCESS_TOKEN_ALGORITHM = "ES256";

export interface AccessTokenClaims {
  iss: string;
  /** The person's user id, or the client's id for a client acting for itself (RFC 9068 §2.2). */
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  /** Space-separated (RFC 8693 §4.2). */
  scope: string;
  /**
   * Present, as "client_credentials", on a client's own token only (the grant that made it, as Auth0's
   * `gty`): with sub = client_id it says, beyond doubt, that no person is behind the token. A token
   * without it acts for the person in `sub`.
   */
  gty?: typeof CLIENT_TOKEN_GRANT;
}

/** The `gty` of a client's own token. */
export const CLIENT_TOKEN_GRANT = "client_credentials";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * Signs an access token as a compact JWS (RFC 7515 §3.1) with Node's own synchronous ECDSA. jose signs
 * through WebCrypto, whose every signature is a job on libuv's thread pool: measured here, 170 µs of CPU
 * per token against 80 µs for `crypto.sign`, which is what the grants spend most on after Next.js itself.
 * Verification stays with jose (its claim checks are the part worth not rewriting); the tests verify
 * what this signs with jose, and sign with jose what the verifier reads.
 */
export function signAccessToken(
  key: SigningKey,
  claims: { iss: string; sub: string; aud: string; client_id: string; scope: string; jti: string; iat: number; exp: number; gty?: typeof CLIENT_TOKEN_GRANT },
): string {
  const header = { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: key.kid };
  const payload = {
    client_id: claims.client_id,
    scope: claims.scope,
    ...(claims.gty ? { gty: claims.gty } : {}),
    iss: claims.iss,
    sub: claims.sub,
    aud: claims.aud,
    iat: claims.iat,
    exp: claims.exp,
    jti: claims.jti,
  };
  const signingInput = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  // ES256 is ECDSA P-256 with SHA-256, its signature the two 32-byte integers side by side (RFC 7518 §3.4).
  const signature = sign("sha256", Buffer.from(signingInput), { key: nodeKeyOf(key.privateKey), dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${signature.toString("base64url")}`;
}

const base64urlJson = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Each signing key as Node's KeyObject, converted once (the key stores hold WebCrypto keys, for jose). */
const nodeKeys = new WeakMap<CryptoKey, KeyObject>();

function nodeKeyOf(privateKey: CryptoKey): KeyObject {
  let keyObject = nodeKeys.get(privateKey);
  if (!keyObject) {
    if (privateKey.type !== "private" || privateKey.algorithm.name !== "ECDSA" || !privateKey.usages.includes("sign")) throw new Error("signAccessToken: the signing key is not an ECDSA private key for signing");
    keyObject = KeyObject.from(privateKey);
    if (keyObject.asymmetricKeyType !== "ec" || keyObject.asymmetricKeyDetails?.namedCurve !== "prime256v1") throw new Error("signAccessToken: the signing key is not an ES256 (P-256) key");
    nodeKeys.set(privateKey, keyObject);
  }
  return keyObject;
}

export interface VerifyOptions {
  issuer: string;
  audience: string;
  /** The public key for a `kid`, or null when it is not one of ours (published). */
  keyFor(kid: string): Promise<CryptoKey | null>;
  now: () => Date;
  /** Tolerance for clocks that disagree a little (RFC 9068 §4 leaves it to us): kept small. */
  clockSkewSeconds: number;
}

/** The longest JWT we look at: ours are ~500 bytes; anything huge is an attack on the parser. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * Verifies an access token: the algorithm is pinned (ES256 only, so `none` and HS256-with-the-public-key
 * are refused before any key is used), then type, signature, issuer, audience and times.
 * @throws {TokenVerificationError} with a code saying which check failed.
 */
export async function verifyAccessToken(token: string, options: VerifyOptions): Promise<AccessTokenClaims> {
  if (token.length > MAX_TOKEN_LENGTH || token.split(".").length !== 3) throw new TokenVerificationError("malformed");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenVerificationError("malformed");
  }
  if (header.alg !== ACCESS_TOKEN_ALGORITHM) throw new TokenVerificationError("wrong_algorithm");
  // RFC 9068 §4: the type must be checked, so that another JWT of ours (an ID token, say) is never taken for an access token.
  if (typeof header.typ !== "string" || header.typ.toLowerCase().replace(/^application\//, "") !== ACCESS_TOKEN_TYPE) {
    throw new TokenVerificationError("wrong_type");
  }
  if (typeof header.kid !== "string") throw new TokenVerificationError("unknown_key");
  const key = await options.keyFor(header.kid);
  if (!key) throw new TokenVerificationError("unknown_key");

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockSkewSeconds,
      currentDate: options.now(),
      requiredClaims: ["iss", "sub", "aud", "exp", "iat", "jti"],
    }));
  } catch (error) {
    throw new TokenVerificationError(failureOf(error));
  }
  // iat in the future means a clock far off or a forged token (jose checks exp and nbf, not iat).
  const nowSeconds = Math.floor(options.now().getTime() / 1000);
  if (typeof payload.iat !== "number" || payload.iat > nowSeconds + options.clockSkewSeconds) throw new TokenVerificationError("not_yet_valid");
  if (typeof payload.client_id !== "string" || typeof payload.scope !== "string" || typeof payload.sub !== "string" || typeof payload.jti !== "string") {
    throw new TokenVerificationError("missing_claim");
  }
  // A client's own token is the client's through and through; anything else claiming to be one is not ours.
  if (payload.gty !== undefined && (payload.gty !== CLIENT_TOKEN_GRANT || payload.sub !== payload.client_id)) throw new TokenVerificationError("malformed");
  return payload as unknown as AccessTokenClaims;
}

function failureOf(error: unknown) {
  if (error instanceof joseErrors.JWTExpired) return "expired";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "bad_signature";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "wrong_issuer";
    if (error.claim === "aud") return "wrong_audience";
    if (error.claim === "nbf" || error.claim === "iat") return "not_yet_valid";
    return "missing_claim";
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "wrong_algorithm";
  return "malformed";
}
