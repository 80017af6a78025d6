import { createServer, request, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { clientIpFrom } from "@/server/http/client-ip";
import { PEER_ADDRESS_HEADER, peerAddressFrom, stampPeerAddresses } from "@/server/http/peer-address.cjs";

/*
 * With no reverse proxy in front (TRUST_PROXY_HOPS=0) the client's address is its socket's, which
 * peer-address.cjs stamps on each request before the app reads its headers; a client cannot claim one.
 */

describe("a server with the peer address hook installed", () => {
  let server: Server;
  let port: number;
  /** What the handler read: the address the stamp names (as the app reads it), and the raw header. */
  let seen: { peer: string | null; ip: string | null; raw: string | string[] | undefined }[] = [];

  beforeAll(async () => {
    expect(stampPeerAddresses()).toBe(true);
    server = createServer((req, res) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      seen.push({ peer: peerAddressFrom(headers), ip: clientIpFrom(headers, 0), raw: req.headers[PEER_ADDRESS_HEADER] });
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (headers: Record<string, string | string[]> = {}) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ port, host: "127.0.0.1", path: "/", headers }, (res) => res.resume().on("end", resolve));
      req.on("error", reject).end();
    });

  it("names the socket's address, and the client IP with no trusted proxy is that address", async () => {
    seen = [];
    await send();
    expect(seen).toEqual([{ peer: "127.0.0.1", ip: "127.0.0.1", raw: expect.stringMatching(/ 127\.0\.0\.1$/) }]);
  });

  it("replaces a stamp the client sent, once or repeated, and ignores X-Forwarded-For (warning once that a proxy may be in front)", async () => {
    seen = [];
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await send({ [PEER_ADDRESS_HEADER]: "guess 6.6.6.6", "x-forwarded-for": "6.6.6.6" });
    await send({ [PEER_ADDRESS_HEADER]: ["guess 6.6.6.6", "guess 7.7.7.7"] });
    expect(seen.map(({ ip }) => ip)).toEqual(["127.0.0.1", "127.0.0.1"]);
    expect(seen.every(({ raw }) => typeof raw === "string" && !raw.includes("6.6.6.6"))).toBe(true);
    // A loopback peer forwarding another address looks like a reverse proxy TRUST_PROXY_HOPS forgot.
    await send({ "x-forwarded-for": "203.0.113.9" });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/TRUST_PROXY_HOPS is 0/);
    warn.mockRestore();
  });
});

describe("a client that resets its connection right after sending a request", () => {
  it("never reaches the handler without an address (which would escape the per-IP limits)", async () => {
    stampPeerAddresses();
    const seen: Array<string | null> = [];
    const server = createServer((req, res) => {
      seen.push(peerAddressFrom(new Headers({ [PEER_ADDRESS_HEADER]: String(req.headers[PEER_ADDRESS_HEADER] ?? "") })));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
          socket.resetAndDestroy();
        });
        socket.on("close", () => resolve());
        socket.on("error", () => {});
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(seen.filter((peer) => peer !== "127.0.0.1")).toEqual([]);
  });
});

describe("peerAddressFrom", () => {
  it("believes no stamp without this process's secret: a request the hook did not see names no address", () => {
    expect(peerAddressFrom(new Headers())).toBeNull();
    expect(peerAddressFrom(new Headers({ [PEER_ADDRESS_HEADER]: "6.6.6.6" }))).toBeNull();
    expect(peerAddressFrom(new Headers({ [PEER_ADDRESS_HEADER]: "guessed-secret 6.6.6.6" }))).toBeNull();
    expect(clientIpFrom(new Headers({ [PEER_ADDRESS_HEADER]: "guessed-secret 6.6.6.6", "x-forwarded-for": "6.6.6.6" }), 0)).toBeNull();
  });
});
