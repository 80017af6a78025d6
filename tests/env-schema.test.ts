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

  it("takes an empty REDIS_URL as unset, and refuses a URL that is not Redis's", () => {
    expect(parseEnv({ ...base, REDIS_URL: "" }).redisUrl).toBeUndefined();
    expect(parseEnv({ ...base, REDIS_URL: "rediss://cache.example:6380" }).redisUrl).toBe("rediss://cache.example:6380");
    expect(problemsOf({ ...base, REDIS_URL: "http://127.0.0.1:6379" })).toEqual([expect.stringMatching(/^REDIS_URL must be a Redis URL/)]);
  });

  it("prepares the hot paths' statements unless DATABASE_PREPARED_STATEMENTS=off, and names a wrong value", () => {
    expect(parseEnv(base).databasePreparedStatements).toBe(true);
    expect(parseEnv({ ...base, DATABASE_PREPARED_STATEMENTS: "off" }).databasePreparedStatements).toBe(false);
    expect(problemsOf({ ...base, DATABASE_PREPARED_STATEMENTS: "false" })).toEqual(['DATABASE_PREPARED_STATEMENTS must be "on" or "off"']);
  });

  it("keeps sessions in each process under PostgreSQL's notifications unless DATABASE_CHANGE_NOTIFICATIONS=off, and names a wrong value", () => {
    expect(parseEnv(base).databaseChangeNotifications).toBe(true);
    expect(parseEnv({ ...base, DATABASE_CHANGE_NOTIFICATIONS: "off" }).databaseChangeNotifications).toBe(false);
    expect(problemsOf({ ...base, DATABASE_CHANGE_NOTIFICATIONS: "no" })).toEqual(['DATABASE_CHANGE_NOTIFICATIONS must be "on" or "off"']);
  });

  it("reports every problem, one line per variable", () => {
    const problems = problemsOf({ NODE_ENV: "production", DATABASE_URL: "mysql://db", AUTH_GOOGLE_ID: "id" });
    expect(problems).toEqual([
      expect.stringMatching(/^DATABASE_URL must be a PostgreSQL URL/),
      expect.stringMatching(/^AUTH_SECRET is missing/),
      expect.stringMatching(/^AUTH_GOOGLE_SECRET is missing: AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET go together/),
      expect.stringMatching(/^OAUTH_ISSUER is missing: in production/),
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
    expect(parseEnv({ ...production, VERCEL: "1", VERCEL_PROJECT_PRODUCTION_URL: "gatehouse.vercel.app" }).trustHost).toBe(true);
    expect(parseEnv({ ...production, AUTH_TRUST_HOST: "true", OAUTH_ISSUER: "https://gatehouse.example" }).trustHost).toBe(true);
    expect(parseEnv({ ...production, AUTH_URL: "https://gatehouse.example", AUTH_TRUST_HOST: "false" }).trustHost).toBe(false);
  });

  it("fixes the token issuer from the configuration, never from a request", () => {
    expect(parseEnv(base).oauth.issuer).toBe("http://localhost:3000");
    expect(parseEnv({ ...base, PORT: "3100" }).oauth.issuer).toBe("http://localhost:3100");
    expect(parseEnv({ ...base, AUTH_URL: "https://app.example/base/" }).oauth.issuer).toBe("https://app.example");
    expect(parseEnv({ ...base, AUTH_URL: "https://app.example", OAUTH_ISSUER: "https://id.example" }).oauth.issuer).toBe("https://id.example");
    expect(parseEnv({ ...base, VERCEL_PROJECT_PRODUCTION_URL: "gatehouse.vercel.app" }).oauth.issuer).toBe("https://gatehouse.vercel.app");
  });

  it("reads the token lifetimes, with 15 minutes, 7 days and 90 days by default", () => {
    expect(parseEnv(base).oauth).toMatchObject({ accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 7 * 86_400, familyMaxAgeSeconds: 90 * 86_400 });
    expect(problemsOf({ ...base, ACCESS_TOKEN_TTL_SECONDS: "5" })).toEqual([expect.stringMatching(/^ACCESS_TOKEN_TTL_SECONDS/)]);
  });

  it("checks the key-encryption key and the signing keys given in the environment", () => {
    expect(problemsOf({ ...base, TOKEN_KEY_ENCRYPTION_KEY: "too-short" })).toEqual([expect.stringMatching(/^TOKEN_KEY_ENCRYPTION_KEY must be 32 random bytes/)]);
    expect(parseEnv({ ...base, TOKEN_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64url") }).oauth.keyEncryptionKey).toHaveLength(32);
    expect(problemsOf({ ...base, TOKEN_SIGNING_KEYS: "{not json" })).toEqual([expect.stringMatching(/^TOKEN_SIGNING_KEYS must be a JSON array/)]);
    expect(problemsOf({ ...base, TOKEN_SIGNING_KEYS: JSON.stringify([{ kty: "RSA", kid: "k" }]) })).toEqual([
      expect.stringMatching(/^TOKEN_SIGNING_KEYS must hold private ES256 JWKs/),
    ]);
    const jwk = { kty: "EC", crv: "P-256", kid: "key-2026-a", x: "x", y: "y", d: "d" };
    expect(parseEnv({ ...base, TOKEN_SIGNING_KEYS: JSON.stringify([jwk]) }).oauth.signingKeys).toEqual([jwk]);
    // Two keys under one kid stop the app at start-up, not at the first request that needs a key.
    expect(problemsOf({ ...base, TOKEN_SIGNING_KEYS: JSON.stringify([jwk, { ...jwk, d: "other" }]) })).toEqual([
      expect.stringMatching(/^TOKEN_SIGNING_KEYS names kid \S+ twice/),
    ]);
  });

  it("trusts no X-Forwarded-For entry by default, one on Vercel, and as many as TRUST_PROXY_HOPS says", () => {
    expect(parseEnv(base).trustedProxyHops).toBe(0);
    expect(parseEnv({ ...base, VERCEL: "1" }).trustedProxyHops).toBe(1);
    expect(parseEnv({ ...base, TRUST_PROXY_HOPS: "2" }).trustedProxyHops).toBe(2);
    expect(parseEnv({ ...base, TRUST_PROXY_HOPS: " 10 " }).trustedProxyHops).toBe(10);
    expect(parseEnv({ ...base, TRUST_PROXY_HOPS: "0", VERCEL: "1" }).trustedProxyHops).toBe(0);
    expect(parseEnv({ ...base, TRUST_PROXY_HOPS: "2", VERCEL: "1" }).trustedProxyHops).toBe(2);
    expect(parseEnv({ ...base, TRUST_PROXY_HOPS: "", VERCEL: "1" }).trustedProxyHops).toBe(1);
  });

  it("reads the older TRUST_PROXY as one hop (true) or none (false), and refuses it when TRUST_PROXY_HOPS disagrees", () => {
    expect(parseEnv({ ...base, TRUST_PROXY: "true" }).trustedProxyHops).toBe(1);
    expect(parseEnv({ ...base, TRUST_PROXY: "1" }).trustedProxyHops).toBe(1);
    expect(parseEnv({ ...base, TRUST_PROXY: "false", VERCEL: "1" }).trustedProxyHops).toBe(0);
    expect(parseEnv({ ...base, TRUST_PROXY: "true", TRUST_PROXY_HOPS: "1" }).trustedProxyHops).toBe(1);
    expect(parseEnv({ ...base, TRUST_PROXY: "false", TRUST_PROXY_HOPS: "0" }).trustedProxyHops).toBe(0);
    expect(problemsOf({ ...base, TRUST_PROXY: "true", TRUST_PROXY_HOPS: "2" })).toEqual([
      expect.stringMatching(/^TRUST_PROXY_HOPS=2 and TRUST_PROXY=true disagree: remove TRUST_PROXY/),
    ]);
    expect(problemsOf({ ...base, TRUST_PROXY: "false", TRUST_PROXY_HOPS: "1" })).toEqual([
      expect.stringMatching(/^TRUST_PROXY_HOPS=1 and TRUST_PROXY=false disagree/),
    ]);
    expect(problemsOf({ ...base, TRUST_PROXY: "true", TRUST_PROXY_HOPS: "0" })).toEqual([
      expect.stringMatching(/^TRUST_PROXY_HOPS=0 and TRUST_PROXY=true disagree/),
    ]);
  });

  it.each(["-1", "11", "100", "1.5", "1e1", "0x1", "+1", "01", "one", "true", "1 2"])("refuses TRUST_PROXY_HOPS=%s", (value) => {
    expect(problemsOf({ ...base, TRUST_PROXY_HOPS: value })).toEqual([
      "TRUST_PROXY_HOPS must be a whole number from 0 to 10: the reverse proxies in front of the app that append to X-Forwarded-For",
    ]);
    // A bad count is reported alone, not also as a disagreement with TRUST_PROXY.
    expect(problemsOf({ ...base, TRUST_PROXY_HOPS: value, TRUST_PROXY: "true" })).toHaveLength(1);
  });

  it("takes a CRON_SECRET only if it is long enough", () => {
    expect(parseEnv(base).cronSecret).toBeUndefined();
    expect(parseEnv({ ...base, CRON_SECRET: "c".repeat(32) }).cronSecret).toBe("c".repeat(32));
    expect(problemsOf({ ...base, CRON_SECRET: "short" })).toEqual([expect.stringMatching(/^CRON_SECRET is too short/)]);
  });
});
