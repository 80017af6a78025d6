/** The device authorization grant's registered name (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

/** The grant types a client can be registered for, by their registered names (RFC 6749 §4, RFC 8628 §3.4). */
export const CLIENT_GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials", DEVICE_CODE_GRANT_TYPE] as const;
export type ClientGrantType = (typeof CLIENT_GRANT_TYPES)[number];
