import { describe, expect, it } from "vitest";

import { EnvError, parseEnv } from "@/server/env-schema";

const secret = "s".repeat(40);
const base = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/gatehouse", AUTH_SECRET: secret, LOCAL_IDP_CLIENT_SECRET: secret };

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseEnv", () => {
  it("accepts a minimal development environment, with the local IdP on by default", () => {
    const env = parseEnv(base);
    expect(env.nodeEnv).toBe("development");
    expect(env.localIdp).toEqual({ issuer: "http://localhost:3001", clientId: "gatehouse-local", clientSecret: secret });
    expect(env.google).toBeUndefined();
    expect(env.trustHost).toBe(true);
  });

  it("reports every problem, one line per variable", () => {
    const problems = problemsOf({ NODE_ENV: "production", DATABASE_URL: "mysql://db", AUTH_GOOGLE_ID: "id" });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
      expect.stringMatching(/^AUTH_SECRET is missing/),
      expect.stringMatching(/^AUTH_GOOGLE_SECRET is missing: AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET go together/),
      expect.stringMatching(/^AUTH_URL is missing: in production/),
    ]);
  });

  it("refuses a short AUTH_SECRET", () => {
    expect(problemsOf({ ...base, AUTH_SECRET: "short" })).toEqual([expect.stringMatching(/^AUTH_SECRET is too short/)]);
  });

  it("keeps the local IdP off in production unless AUTH_LOCAL_IDP=on", () => {
    const production = { ...base, NODE_ENV: "production", AUTH_URL: "https://gatehouse.example" };
    expect(parseEnv(production).localIdp).toBeUndefined();
    expect(parseEnv({ ...production, AUTH_LOCAL_IDP: "on" }).localIdp?.issuer).toBe("http://localhost:3001");
    expect(parseEnv({ ...base, AUTH_LOCAL_IDP: "off" }).localIdp).toBeUndefined();
  });

  it("requires the local IdP's client secret only when the IdP is on", () => {
    expect(problemsOf({ ...base, LOCAL_IDP_CLIENT_SECRET: undefined })).toEqual([expect.stringMatching(/^LOCAL_IDP_CLIENT_SECRET is missing/)]);
    expect(problemsOf({ ...base, LOCAL_IDP_CLIENT_SECRET: undefined, AUTH_LOCAL_IDP: "off" })).toEqual([]);
  });

  it("enables Google and GitHub when both of their variables are set", () => {
    const env = parseEnv({ ...base, AUTH_GOOGLE_ID: "g-id", AUTH_GOOGLE_SECRET: "g-secret", AUTH_GITHUB_ID: "h-id", AUTH_GITHUB_SECRET: "h-secret" });
    expect(env.google).toEqual({ clientId: "g-id", clientSecret: "g-secret" });
    expect(env.github).toEqual({ clientId: "h-id", clientSecret: "h-secret" });
  });

  it("in production trusts the Host only with AUTH_URL, on Vercel, or when told to", () => {
    const production = { ...base, NODE_ENV: "production" };
    expect(parseEnv({ ...production, AUTH_URL: "https://gatehouse.example" }).trustHost).toBe(true);
    expect(parseEnv({ ...production, VERCEL: "1" }).trustHost).toBe(true);
    expect(parseEnv({ ...production, AUTH_TRUST_HOST: "true" }).trustHost).toBe(true);
    expect(parseEnv({ ...production, AUTH_URL: "https://gatehouse.example", AUTH_TRUST_HOST: "false" }).trustHost).toBe(false);
  });
});
