import { describe, expect, it } from "vitest";

import { readBodyAtMost } from "@/server/http/read-body";

const errors = { tooLarge: () => new Error("too large"), unreadable: () => new Error("unreadable") };

/** A POST whose body arrives in `chunks` pieces of `size` bytes, with no Content-Length (chunked). */
function chunkedRequest(chunks: number, size: number): Request {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === chunks) controller.close();
      else controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
  return new Request("http://gatehouse.test/", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBodyAtMost", () => {
  it("returns every byte of a body within the limit", async () => {
    const bytes = await readBodyAtMost(chunkedRequest(3, 100), 300, errors);
    expect(bytes.byteLength).toBe(300);
  });

  it("refuses a body past the limit as soon as it is passed", async () => {
    await expect(readBodyAtMost(chunkedRequest(50, 100), 250, errors)).rejects.toThrow("too large");
  });

  it("refuses a body whose Content-Length says it is over the limit without reading any of it", async () => {
    const request = new Request("http://gatehouse.test/", { method: "POST", body: chunkedRequest(3, 100).body, headers: { "content-length": "251" }, duplex: "half" } as RequestInit);
    await expect(readBodyAtMost(request, 250, errors)).rejects.toThrow("too large");
    expect(request.bodyUsed).toBe(false);
    expect(request.body!.locked).toBe(false);
  });

  it("refuses an oversized body read from a clone, as the proxy reads one, without waiting on the other copy", async () => {
    // A clone is one branch of a tee: cancelling it settles only once the original is cancelled too,
    // which the proxy never does (Next.js passes the original on), so awaiting the cancel hung the answer.
    const original = chunkedRequest(50, 100);
    const outcome = await Promise.race([
      readBodyAtMost(original.clone(), 250, errors).then(() => "read", (error: Error) => error.message),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 2 s"), 2_000)),
    ]);
    expect(outcome).toBe("too large");
  });
});
