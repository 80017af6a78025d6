import { Readable } from "node:stream";

// The multipart parser Next.js reads a script-called action's body with (app-render/action-handler.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a compiled CommonJS module without types
const busboy = require("next/dist/compiled/busboy") as (options: { headers: Record<string, string>; defParamCharset: string }) => BusboyStream;

interface BusboyStream extends NodeJS.WritableStream {
  on(event: "field", listener: (name: string, value: string) => void): this;
  on(event: "file", listener: (name: string, stream: Readable) => void): this;
  on(event: "close", listener: () => void): this;
  on(event: "error", listener: (error: unknown) => void): this;
}

/**
 * A script-called action's multipart body as Next.js and React will read it: parsed by the same
 * busboy, configured the same way, and not by the Fetch API's `formData()`, which reads some bodies
 * otherwise (a part with two Content-Disposition headers, a charset of its own, a type that makes it a
 * file). Files are kept as empty entries: only their names matter to the checks. Null when it does
 * not parse.
 */
export function readActionMultipart(body: Uint8Array, contentType: string): Promise<{ fields: FormData; fileNames: string[] } | null> {
  return new Promise((resolve) => {
    const fields = new FormData();
    const fileNames: string[] = [];
    let parser: BusboyStream;
    try {
      parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8" });
    } catch {
      resolve(null);
      return;
    }
    parser.on("field", (name, value) => fields.append(name, value));
    parser.on("file", (name, stream) => {
      fileNames.push(name);
      stream.resume();
    });
    parser.on("close", () => resolve({ fields, fileNames }));
    parser.on("error", () => resolve(null));
    Readable.from([Buffer.from(body)]).pipe(parser);
  });
}
