/**
 * Whether an Authorization value holds more than one credential. Repeated Authorization headers reach
 * the app joined with ", " (server/http/join-repeated-authorization.cjs, RFC 9110 §5.3), and no single
 * credential contains a comma (RFC 6750 §2.1 b64token, RFC 7617 base64), so a comma means two.
 */
export function isRepeatedAuthorization(value: string): boolean {
  return value.includes(",");
}
