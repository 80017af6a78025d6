/**
 * The token endpoint's success body (RFC 6749 §5.1): what every grant answers. The client credentials
 * grant issues no refresh token (RFC 6749 §4.4.3); the grants acting for a person answer a pair.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  /** Seconds until the access token expires. */
  expires_in: number;
  refresh_token?: string;
  /** Space-separated (RFC 6749 §3.3). */
  scope: string;
}

/** An access token with its refresh token: what the playground holds in the browser. */
export interface TokenPair extends TokenResponse {
  refresh_token: string;
}
