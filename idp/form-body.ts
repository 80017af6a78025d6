// Reads an HTML form post (application/x-www-form-urlencoded) with a hard size limit.
import type { IncomingMessage } from "node:http";
import { LocalIdpError } from "./errors";

/** Far more than the login form needs (a 100-character name and a 254-character email). */
export const formBodyLimitBytes = 16 * 1024;

export async function readFormBody(req: IncomingMessage, limitBytes = formBodyLimitBytes): Promise<URLSearchParams> {
  const mediaType = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") {
    throw new LocalIdpError("unsupported_media_type", "Send the form as application/x-www-form-urlencoded.");
  }
  const tooLarge = new LocalIdpError("body_too_large", `The form is larger than ${limitBytes} bytes.`);
  // Refuse early when the client announces a size, before reading anything.
  if (Number(req.headers["content-length"] ?? 0) > limitBytes) throw tooLarge;

  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn: false keeps the socket open when we stop reading early, so the 413 page can still be sent.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    const buffer: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) throw tooLarge;
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
