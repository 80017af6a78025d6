import { contentTypeOf, isContentEncoded } from "@/server/http/content-type";
import { readBodyAtMost } from "@/server/http/read-body";
import { OAuthError } from "@/server/tokens/errors";

/** OAuth requests are a few hundred bytes; anything bigger is refused before it is parsed. */
const MAX_FORM_BYTES = 8 * 1024;

/**
 * Reads an OAuth endpoint's body: `application/x-www-form-urlencoded` in UTF-8 (RFC 6749 §3.2 and
 * Appendix B), not content-encoded, at most 8 KiB, each parameter at most once (RFC 6749 §3.1: a repeated
 * parameter could be read differently by two parsers). Bytes or percent-escapes that are not UTF-8 are
 * refused rather than read as U+FFFD, as a declared charset other than UTF-8 is rather than ignored:
 * either would make the server read another value than the client sent.
 * @throws {OAuthError} invalid_request, never anything that would become a 500.
 */
export async function readOAuthForm(request: Request): Promise<Record<string, string>> {
  const { mediaType, charset } = contentTypeOf(request.headers);
  if (mediaType !== "application/x-www-form-urlencoded") {
    throw new OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded.");
  }
  if (isContentEncoded(request.headers)) throw new OAuthError("invalid_request", "The body must not be content-encoded.");
  const bytes = await readBodyAtMost(request, MAX_FORM_BYTES, {
    tooLarge: () => new OAuthError("invalid_request", "The request body is too large."),
    unreadable: () => new OAuthError("invalid_request", "The request body could not be read."),
  });
  if (charset !== undefined && !readsAsUtf8(charset, bytes)) throw new OAuthError("invalid_request", "The body must be UTF-8 (RFC 6749 Appendix B).");
  const form: Record<string, string> = {};
  for (const [name, value] of parseUrlencoded(bytes)) {
    if (Object.hasOwn(form, name)) throw new OAuthError("invalid_request", `The parameter ${name.slice(0, 40)} is repeated.`);
    // RFC 6749 §3.1: parameters sent without a value are treated as omitted.
    if (value !== "") form[name] = value;
  }
  return form;
}

const NOT_UTF8 = () => new OAuthError("invalid_request", "The body is not valid UTF-8 form encoding.");

/**
 * Whether a body declared in `label` reads the same as UTF-8: the label is one of UTF-8's (`utf-8`,
 * `utf8`, ...), or decoding the body in the declared charset gives what decoding it as UTF-8 gives (an
 * ASCII body under `US-ASCII` or `ISO-8859-1`, as some older clients declare). Otherwise the client
 * meant other characters than we would read: an unknown label, or a body that differs between the two.
 */
function readsAsUtf8(label: string, bytes: Uint8Array): boolean {
  try {
    const declared = new TextDecoder(label, { fatal: true, ignoreBOM: true });
    return declared.encoding === "utf-8" || declared.decode(bytes) === new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return false;
  }
}

/**
 * The WHATWG urlencoded parser's pairs (`+` is a space; `%XX` a byte, any other `%` itself), but
 * refusing what it would repair: bytes that do not form UTF-8, raw or escaped, instead of U+FFFD.
 */
function parseUrlencoded(bytes: Uint8Array): Array<[string, string]> {
  // ignoreBOM keeps a byte-order mark as U+FEFF rather than dropping it: it is then part of the value.
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw NOT_UTF8();
  }
  const decode = (part: string) => {
    const raw = Buffer.from(part.replace(/\+/g, " "), "utf8");
    const out = new Uint8Array(raw.length);
    let length = 0;
    for (let index = 0; index < raw.length; index += 1) {
      const byte = raw[index]!;
      const hex = byte === 0x25 && index + 2 < raw.length ? raw.toString("latin1", index + 1, index + 3) : "";
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        out[length++] = parseInt(hex, 16);
        index += 2;
      } else {
        out[length++] = byte;
      }
    }
    try {
      return utf8.decode(out.subarray(0, length));
    } catch {
      throw NOT_UTF8();
    }
  };
  return text
    .split("&")
    .filter((piece) => piece !== "")
    .map((piece) => {
      const equals = piece.indexOf("=");
      return equals === -1 ? [decode(piece), ""] : [decode(piece.slice(0, equals)), decode(piece.slice(equals + 1))];
    });
}
