import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isRepeatedAuthorization } from "@/lib/authorization-header";
import { joinRepeatedAuthorizationHeaders } from "@/server/http/repeated-authorization";

/* Node keeps the first of repeated Authorization headers and drops the rest; with the join, a handler sees both. */

it("a server started with the preload joins them from its very first request", async () => {
  const script = `require("node:http").createServer((q, s) => s.end(JSON.stringify(q.headers.authorization))).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ["--require", path.resolve("server/http/join-repeated-authorization.cjs"), "-e", script], {
    env: { ...process.env, GATEHOUSE_PRELOAD_JOIN_AUTHORIZATION: "1" },
  });
  try {
    const childPort = await new Promise<number>((resolve) => child.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    expect(JSON.parse(await rawRequest(childPort, ["Authorization: Bearer first", "Authorization: Bearer second"]))).toBe("Bearer first, Bearer second");
  } finally {
    child.kill();
  }
});

function rawRequest(port: number, headerLines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(`GET / HTTP/1.1\r\nHost: localhost\r\n${headerLines.join("\r\n")}\r\nConnection: close\r\n\r\n`));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("end", () => resolve(answer.split("\r\n\r\n")[1] ?? ""));
    socket.on("error", reject);
  });
}

describe("repeated Authorization headers", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    expect(joinRepeatedAuthorizationHeaders()).toBe(true);
    server = createServer((request, response) => response.end(JSON.stringify(request.headers.authorization ?? null)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reach the handler joined, in order, whatever their spelling", async () => {
    expect(JSON.parse(await rawRequest(port, ["Authorization: Bearer good", "AUTHORIZATION: Bearer garbage"]))).toBe("Bearer good, Bearer garbage");
    expect(JSON.parse(await rawRequest(port, ["authorization: Basic a", "Authorization: Basic b", "aUtHoRiZaTiOn: Basic c"]))).toBe("Basic a, Basic b, Basic c");
  });

  it("leave a single header, and other repeated headers, as Node has them", async () => {
    expect(JSON.parse(await rawRequest(port, ["Authorization: Bearer only"]))).toBe("Bearer only");
    expect(JSON.parse(await rawRequest(port, ["X-Other: 1", "X-Other: 2"]))).toBeNull();
  });

  it("are recognised as more than one credential; one credential never is", () => {
    expect(isRepeatedAuthorization("Bearer good, Bearer garbage")).toBe(true);
    expect(isRepeatedAuthorization("Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")).toBe(false);
    expect(isRepeatedAuthorization(`Basic ${Buffer.from("client:secret").toString("base64")}`)).toBe(false);
  });
});
