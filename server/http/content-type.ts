/**
 * What the body readers (the API's JSON, the OAuth endpoints' forms) need of a request's framing: its
 * media type and declared charset, and whether it is content-encoded, which neither decodes.
 */

/** The Content-Type's media type (lower case) and the charset it declares, if any (as written). */
export function contentTypeOf(headers: Headers): { mediaType: string; charset: string | undefined } {
  const [type = "", ...parameters] = (headers.get("content-type") ?? "").split(";");
  const charset = parameters.map((parameter) => /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Whether the body comes in a Content-Encoding other than identity (gzip, deflate, ...). */
export function isContentEncoded(headers: Headers): boolean {
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  return Boolean(encoding) && encoding !== "identity";
}
