/**
 * A request body's bytes, at most `maxBytes` of them: refused unread when Content-Length says more, and
 * reading stops (and the stream is cancelled) as soon as the limit is passed, since Content-Length can lie
 * or be absent. Each endpoint answers in its own error shape, so the two failures are built by the caller:
 * too large, or a stream that broke mid-body (the client went away), which is never the request it meant.
 */
export async function readBodyAtMost(request: Request, maxBytes: number, errors: { tooLarge: () => Error; unreadable: () => Error }): Promise<Uint8Array> {
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw errors.tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw errors.unreadable();
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > maxBytes) {
        // Not awaited: on a clone (a tee'd stream, as the proxy reads) cancel settles only once the
        // other branch is cancelled too, so awaiting it would hang the answer.
        reader.cancel().catch(() => {});
        throw errors.tooLarge();
      }
      chunks.push(chunk.value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}
