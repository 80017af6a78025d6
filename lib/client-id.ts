/** A client id as the registry makes them and every form and endpoint accepts them (RFC 6749 §2.2 leaves the syntax to us). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
