import { Readable } from "node:stream";

// The multipart parser Next.js reads a script-called action's body with (app-render/action-handler.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled CommonJS module without types
const busboy = require("next/dist/compiled/busboy") as (options: { headers: Record<string, string>; defParamCharset: string }) => BusboyStream;

interface BusboyStream extends NodeJS.WritableStream {
  on(event: "field", listener: (name: string | undefined, value: string) => void): this;
  on(event: "file", listener: (name: string | undefined, stream: Readable, info: { encoding?: string }) => void): this;
  on(event: "close", listener: () => void): this;
  on(event: "error", listener: (error: unknown) => void): this;
}

/**
 * The part names React's client writes in a script-called action's multipart body: `0` (the arguments)
 * and `_<n>_<name>` (the entries of a form among them; `<n>_<name>` is read the same way). React reads a name as a number (`+name`, so "00",
 * " 0", "-0", "0x0" and "S0" are all part 0 again, and Next.js answered a second part 0 with a 500); every
 * other name is refused, as are a part without a name and a file sent in base64, which React refuses by
 * throwing.
 */
const CLIENT_PART_NAME = /^(?:0|_?[1-9]\d{0,8}_[\s\S]*)$/;

/**
 * A script-called action's multipart body as Next.js and React will read it: parsed by the same
 * busboy, configured the same way, and not by the Fetch API's `formData()`, which reads some bodies
 * otherwise (a part with two Content-Disposition headers, a charset of its own, a type that makes it a
 * file). The form fields are returned for the checks; files are only counted, and must not be named 0.
 * Null when the body does not parse, or holds a part React's client never writes (see CLIENT_PART_NAME).
 */
export function readActionMultipart(body: Uint8Array, contentType: string): Promise<FormData | null> {
  return new Promise((resolve) => {
    const fields = new FormData();
    let refused = false;
    let parser: BusboyStream;
    try {
      parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8" });
    } catch {
      resolve(null);
      return;
    }
    parser.on("field", (name, value) => {
      if (typeof name !== "string" || !CLIENT_PART_NAME.test(name) || (name === "0" && fields.has("0"))) refused = true;
      else fields.append(name, value);
    });
    parser.on("file", (name, stream, info) => {
      if (typeof name !== "string" || !CLIENT_PART_NAME.test(name) || name === "0" || info?.encoding?.toLowerCase() === "base64") refused = true;
      stream.resume();
    });
    parser.on("close", () => resolve(refused ? null : fields));
    parser.on("error", () => resolve(null));
    Readable.from([Buffer.from(body)]).pipe(parser);
  });
}
