import { AppError } from "@/lib/app-error";
import { brandErrorClass } from "@/lib/branded-error";

/**
 * The token library's typed errors. Stable string codes (as `jose` does), so callers branch on `code`,
 * never on messages. The key-encryption error, `SealedJwkError`, sits with its code in key-encryption.ts.
 */

/** Why an access token was refused. Resource routes answer all of them the same (401 invalid_token). */
export type TokenVerificationFailure =
  | "malformed"
  | "unknown_key"
  | "bad_signature"
  | "wrong_algorithm"
  | "wrong_type"
  | "wrong_issuer"
  | "wrong_audience"
  | "expired"
  | "not_yet_valid"
  | "missing_claim"
  | "revoked";

export class TokenVerificationError extends AppError<TokenVerificationFailure> {
  constructor(
    readonly code: TokenVerificationFailure,
    message: string = code,
  ) {
    super(message);
    this.name = "TokenVerificationError";
  }
}

/** RFC 6749 §5.2 error codes, RFC 7009 §2.2.1's `unsupported_token_type`, and RFC 8628 §3.5's polling answers. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "access_denied"
  | "unsupported_response_type"
  | "unsupported_token_type"
  | "authorization_pending"
  | "slow_down"
  | "expired_token";

/**
 * The OAuth endpoints' table: RFC 6749 §5.2 answers every error with 400, but a failed client
 * authentication with 401 (server/oauth/oauth-response.ts adds the Basic challenge).
 */
export const OAUTH_ERROR_STATUS: Record<OAuthErrorCode, 400 | 401> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  access_denied: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
};

/**
 * An error an OAuth endpoint answers as `{ error, error_description }`, with its code's status from
 * OAUTH_ERROR_STATUS.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class OAuthError extends AppError<OAuthErrorCode> {
  readonly status: 400 | 401;
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = "OAuthError";
    this.status = OAUTH_ERROR_STATUS[code];
  }
}

/** The browser session that asked for a grant ended before the grant was written (signed out meanwhile). */
export class IssuingSessionEndedError extends AppError<"issuing_session_ended"> {
  readonly code = "issuing_session_ended";
  constructor() {
    super("The browser session that asked for these tokens has ended.");
    this.name = "IssuingSessionEndedError";
  }
}

/**
 * The signing keys cannot be used as asked. `keys_from_environment`: rotation was asked of keys that
 * TOKEN_SIGNING_KEYS holds (they rotate by redeploying); `invalid_configuration`: neither usable keys nor
 * a usable database were given; `no_signing_key`: no key can sign, and none could be created.
 */
export type SigningKeyStoreFailure = "keys_from_environment" | "invalid_configuration" | "no_signing_key";

export class SigningKeyStoreError extends AppError<SigningKeyStoreFailure> {
  constructor(
    readonly code: SigningKeyStoreFailure,
    message: string,
  ) {
    super(message);
    this.name = "SigningKeyStoreError";
  }
}

brandErrorClass(IssuingSessionEndedError, "IssuingSessionEndedError");
brandErrorClass(TokenVerificationError, "TokenVerificationError");
brandErrorClass(OAuthError, "OAuthError");
brandErrorClass(SigningKeyStoreError, "SigningKeyStoreError");
