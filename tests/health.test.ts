import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";

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
    const { GET } = await import("@/app/api/health/route");

    const response = await GET(new NextRequest("http://127.0.0.1:3000/api/health"), undefined);

    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    // apiRoute's CSP for JSON (the proxy does not run in front of route handlers).
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(await response.json()).toEqual({ status: "unavailable", database: { status: "down" } });
  });
});
