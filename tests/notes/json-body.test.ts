import { describe, expect, it } from "vitest";

import { noteCreateSchema, noteUpdateSchema } from "@/lib/notes-schema";
import { ApiError } from "@/server/http/api-error";
import { readJsonBody } from "@/server/http/json-body";

/* readJsonBody, as a hostile or careless client would call it: every failure is a typed 4xx, never a 500. */

const url = "http://localhost/api/v1/notes";

function jsonRequest(body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }) {
  return new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
}

/** A body streamed in chunks, with no Content-Length unless a test lies about one; counts what was pulled. */
function streamedRequest(chunks: string[], headers: Record<string, string>) {
  const encoder = new TextEncoder();
  const pulled = { chunks: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[pulled.chunks++];
      if (next === undefined) controller.close();
      else controller.enqueue(encoder.encode(next));
    },
  });
  return { request: jsonRequest(stream, { "content-type": "application/json", ...headers }), pulled };
}

async function apiErrorFrom(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("readJsonBody", () => {
  it("returns the parsed body, with the schema's defaults and trimming", async () => {
    expect(await readJsonBody(jsonRequest(JSON.stringify({ title: "  Groceries " })), noteCreateSchema)).toEqual({ title: "Groceries", body: "" });
  });

  it("accepts a charset parameter and structured +json types", async () => {
    const withCharset = jsonRequest('{"title":"a"}', { "content-type": "Application/JSON; charset=utf-8" });
    expect(await readJsonBody(withCharset, noteUpdateSchema)).toEqual({ title: "a" });
    const mergePatch = jsonRequest('{"title":"b"}', { "content-type": "application/merge-patch+json" });
    expect(await readJsonBody(mergePatch, noteUpdateSchema)).toEqual({ title: "b" });
  });

  it.each([
    ["text/plain (what a cross-site form can send)", "text/plain"],
    ["a form encoding", "application/x-www-form-urlencoded"],
    ["a look-alike", "application/jsonp"],
  ])("refuses %s with 415", async (_, contentType) => {
    const error = await apiErrorFrom(readJsonBody(jsonRequest('{"title":"a"}', { "content-type": contentType }), noteCreateSchema));
    expect(error).toMatchObject({ code: "unsupported_media_type", status: 415 });
  });

  it.each([
    ["a charset other than UTF-8", { "content-type": "application/json; charset=utf-16" }],
    ["a Latin-1 charset", { "content-type": 'application/json; charset="ISO-8859-1"' }],
    ["a gzip Content-Encoding (nothing decodes it)", { "content-type": "application/json", "content-encoding": "gzip" }],
    ["a deflate Content-Encoding", { "content-type": "application/json", "content-encoding": "Deflate" }],
  ])("refuses %s with 415, rather than read the bytes as plain UTF-8", async (_, headers) => {
    const error = await apiErrorFrom(readJsonBody(jsonRequest('{"title":"a"}', headers), noteCreateSchema));
    expect(error).toMatchObject({ code: "unsupported_media_type", status: 415 });
  });

  it("accepts an identity Content-Encoding and the utf8 label", async () => {
    const body = jsonRequest('{"title":"a"}', { "content-type": "application/json; charset=UTF8", "content-encoding": "identity" });
    expect(await readJsonBody(body, noteUpdateSchema)).toEqual({ title: "a" });
  });

  it("refuses a body without a Content-Type with 415", async () => {
    const error = await apiErrorFrom(readJsonBody(jsonRequest(new Blob(['{"title":"a"}']), {}), noteCreateSchema));
    expect(error).toMatchObject({ code: "unsupported_media_type", status: 415 });
  });

  it("refuses a declared Content-Length over the limit with 413 before reading anything", async () => {
    const { request, pulled } = streamedRequest(['{"title":"a"}'], { "content-length": String(16 * 1024 + 1) });
    const error = await apiErrorFrom(readJsonBody(request, noteCreateSchema));
    expect(error).toMatchObject({ code: "payload_too_large", status: 413 });
    expect(pulled.chunks).toBeLessThanOrEqual(1); // a stream may pre-pull its first chunk; nothing is read past it
  });

  it("refuses a streamed body over the limit with 413 when there is no Content-Length, and stops reading", async () => {
    const chunk = "x".repeat(1024);
    const { request, pulled } = streamedRequest(Array.from({ length: 100 }, () => chunk), {});
    expect(request.headers.get("content-length")).toBeNull();
    const error = await apiErrorFrom(readJsonBody(request, noteCreateSchema, { maxBytes: 4096 }));
    expect(error).toMatchObject({ code: "payload_too_large", status: 413 });
    expect(pulled.chunks).toBeLessThan(10);
  });

  it("refuses a streamed body over the limit with 413 when Content-Length lies", async () => {
    const body = JSON.stringify({ title: "a", body: "x".repeat(20_000) });
    const { request } = streamedRequest([body.slice(0, 10_000), body.slice(10_000)], { "content-length": "20" });
    const error = await apiErrorFrom(readJsonBody(request, noteCreateSchema));
    expect(error).toMatchObject({ code: "payload_too_large", status: 413 });
  });

  it("accepts a body of exactly maxBytes", async () => {
    const body = JSON.stringify({ title: "a", body: "x".repeat(100) });
    expect(await readJsonBody(jsonRequest(body), noteCreateSchema, { maxBytes: Buffer.byteLength(body) })).toMatchObject({ title: "a" });
  });

  it.each([
    ["malformed JSON", '{"title": "a",', /not valid JSON/],
    ["an empty body", "", /empty/],
    // Well-formed JSON around an invalid byte: decoded leniently, it would be stored as U+FFFD.
    ["bytes that are not UTF-8", new Uint8Array([...new TextEncoder().encode('{"title":"'), 0xff, ...new TextEncoder().encode('"}')]), /UTF-8/],
  ])("refuses %s with 400 invalid_request", async (_, body, message) => {
    const error = await apiErrorFrom(readJsonBody(jsonRequest(body), noteCreateSchema));
    expect(error).toMatchObject({ code: "invalid_request", status: 400 });
    expect(error.message).toMatch(message);
  });

  it("names the first bad field when the schema refuses the body", async () => {
    const error = await apiErrorFrom(readJsonBody(jsonRequest(JSON.stringify({ title: "   " })), noteCreateSchema));
    expect(error).toMatchObject({ code: "invalid_request", status: 400 });
    expect(error.message).toMatch(/^title: Too small/);
  });

  it("refuses a hostile userId (or any unknown key) instead of ignoring it", async () => {
    const error = await apiErrorFrom(readJsonBody(jsonRequest(JSON.stringify({ title: "mine", userId: "someone-else" })), noteCreateSchema));
    expect(error).toMatchObject({ code: "invalid_request", status: 400 });
    expect(error.message).toContain("userId");
  });

  it("refuses JSON that is not an object, and an update that changes nothing", async () => {
    expect(await apiErrorFrom(readJsonBody(jsonRequest("[]"), noteCreateSchema))).toMatchObject({ status: 400 });
    expect(await apiErrorFrom(readJsonBody(jsonRequest("null"), noteUpdateSchema))).toMatchObject({ status: 400 });
    const empty = await apiErrorFrom(readJsonBody(jsonRequest("{}"), noteUpdateSchema));
    expect(empty.message).toBe("Send at least one of title, body.");
  });
});
