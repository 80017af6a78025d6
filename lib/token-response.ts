/**
 * The token endpoint's success body (RFC 6749 §5.1): what every grant answers, and the pair the
 * playground holds in the browser.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  /** Seconds until the access token expires. */
  expires_in: number;
  refresh_token: string;
  /** Space-separated (RFC 6749 §3.3). */
  scope: string;
}
