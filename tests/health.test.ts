import { PrismaPg } from "@prisma/adapter-pg";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, describe, expect, it, onTestFinished, vi } from "vitest";

import { PrismaClient } from "@/generated/prisma/client";
import { checkDatabase } from "@/server/health/check-database";

const realDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
// Nothing listens on port 9 (discard) here: connections are refused at once.
const unreachableDatabaseUrl = "postgresql://postgres@127.0.0.1:9/gatehouse";

function clientFor(connectionString: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, connectionTimeoutMillis: 1_000 }) });
}

describe("checkDatabase", () => {
  const up = clientFor(realDatabaseUrl);
  const down = clientFor(unreachableDatabaseUrl);
  afterAll(async () => {
    await Promise.all([up.$disconnect(), down.$disconnect()]);
  });

  it("reports a reachable PostgreSQL as up", async () => {
    expect(await checkDatabase(up)).toMatchObject({ status: "up" });
  });

  it("reports an unreachable one as down, without throwing", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await checkDatabase(down)).toEqual({ status: "down" });
  });
});

describe("GET /api/health", () => {
  it("answers 503 with a JSON body when the database is unreachable", async () => {
    vi.stubEnv("DATABASE_URL", unreachableDatabaseUrl);
    vi.stubEnv("AUTH_SECRET", "s".repeat(40));
    vi.stubEnv("LOCAL_IDP_CLIENT_SECRET", "s".repeat(40));
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { default: health } = await import("@/pages/api/health");
    // The route as Next.js's Pages Router calls it: Node's request and response, over a real socket.
    const server = createServer((req, res) => void health(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`);

    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    // apiRoute's CSP for JSON (the proxy does not run in front of the API).
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(await response.json()).toEqual({ status: "unavailable", database: { status: "down" } });
  });
});
