import { readBodyAtMost } from "@/server/http/read-body";
import { OAuthError } from "@/server/tokens/errors";

/** OAuth requests are a few hundred bytes; anything bigger is refused before it is parsed. */
const MAX_FORM_BYTES = 8 * 1024;

/**
 * Reads an OAuth endpoint's body: `application/x-www-form-urlencoded` (RFC 6749 §3.2), at most 8 KiB,
 * each parameter at most once (RFC 6749 §3.1: a repeated parameter could be read differently by two
 * parsers).
 * @throws {OAuthError} invalid_request, never anything that would become a 500.
 */
export async function readOAuthForm(request: Request): Promise<Record<string, string>> {
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/x-www-form-urlencoded") {
    throw new OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded.");
  }
  const bytes = await readBodyAtMost(request, MAX_FORM_BYTES, {
    tooLarge: () => new OAuthError("invalid_request", "The request body is too large."),
    unreadable: () => new OAuthError("invalid_request", "The request body could not be read."),
  });
  const text = new TextDecoder().decode(bytes);
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(form, name)) throw new OAuthError("invalid_request", `The parameter ${name.slice(0, 40)} is repeated.`);
    // RFC 6749 §3.1: parameters sent without a value are treated as omitted.
    if (value !== "") form[name] = value;
  }
  return form;
}
