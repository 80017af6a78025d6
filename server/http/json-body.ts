import type { z } from "zod";

import { ApiError } from "./api-error";
import { contentTypeOf, isContentEncoded } from "./content-type";
import { parseInput } from "./parse-input";
import { readBodyAtMost } from "./read-body";

/** `application/json`, or a structured `+json` type such as `application/merge-patch+json` (RFC 6839 §3.1). */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/;

/**
 * Reads a request's JSON body and validates it with `schema`. Every failure is an `ApiError` (a 4xx),
 * never a 500:
 *
 * - 415 `unsupported_media_type` unless the Content-Type is JSON. Besides being honest, this closes a CSRF
 *   path: an HTML form on another site can send `text/plain` or form encodings, not `application/json`.
 *   Also 415 for a charset other than UTF-8 and for a Content-Encoding (gzip...), which nothing decodes.
 * - 413 `payload_too_large` over `maxBytes`, judged first by Content-Length and then again while the stream
 *   is read, since Content-Length can lie or be absent (chunked uploads): we stop reading at the limit
 *   instead of buffering whatever arrives.
 * - 400 `invalid_request` for an empty body, bytes that are not UTF-8, malformed JSON, or JSON the schema
 *   refuses (the message names the first bad field).
 */
export async function readJsonBody<T>(request: Request, schema: z.ZodType<T>, { maxBytes = 16 * 1024 }: { maxBytes?: number } = {}): Promise<T> {
  const { mediaType, charset } = contentTypeOf(request.headers);
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError("unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.");
  }
  // JSON is UTF-8 (RFC 8259 §8.1): a body declared in another charset would be read as what it is not.
  if (charset !== undefined && !["utf-8", "utf8"].includes(charset.toLowerCase())) {
    throw new ApiError("unsupported_media_type", "Send the JSON body in UTF-8 (charset=utf-8, or no charset).");
  }
  // Nothing here decodes gzip or deflate: an encoded body is refused, not read as plain bytes (RFC 9110 §8.4.1).
  if (isContentEncoded(request.headers)) {
    throw new ApiError("unsupported_media_type", "Send the JSON body without a Content-Encoding.");
  }
  const bytes = await readBodyAtMost(request, maxBytes, {
    tooLarge: () => tooLarge(maxBytes),
    unreadable: () => new ApiError("invalid_request", "The request body could not be read."),
  });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); // RFC 8259 §8.1: JSON is UTF-8.
  } catch {
    throw new ApiError("invalid_request", "The request body is not valid UTF-8.");
  }
  if (text.trim() === "") throw new ApiError("invalid_request", "The request body is empty: send a JSON object.");

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError("invalid_request", "The request body is not valid JSON.");
  }
  return parseInput(schema, json);
}

function tooLarge(maxBytes: number) {
  return new ApiError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`);
}
