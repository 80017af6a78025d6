import { describe, expect, it } from "vitest";
import { parseLocalIdpConfig, productionWarning } from "../../idp/config";

const secret = "s".repeat(32);
const required = {
  LOCAL_IDP_CLIENT_SECRET: secret,
  LOCAL_IDP_REDIRECT_URIS: "http://localhost:3000/api/auth/callback/local",
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  const result = parseLocalIdpConfig(env);
  return result.success ? [] : result.problems;
}

describe("parseLocalIdpConfig", () => {
  it("applies the defaults", () => {
    expect(parseLocalIdpConfig(required)).toEqual({
      success: true,
      config: {
        port: 3001,
        host: "127.0.0.1",
        issuer: "http://localhost:3001",
        clientId: "gatehouse-local",
        clientSecret: secret,
        redirectUris: ["http://localhost:3000/api/auth/callback/local"],
        mode: "development",
      },
    });
  });

  it("derives the issuer from the port, splits and trims the redirect URIs, treats blanks as unset", () => {
    const result = parseLocalIdpConfig({
      ...required,
      LOCAL_IDP_PORT: "4001",
      LOCAL_IDP_ISSUER: "",
      LOCAL_IDP_REDIRECT_URIS: " http://localhost:3000/api/auth/callback/local , https://gatehouse.example/api/auth/callback/local,",
    });
    expect(result.success && result.config).toMatchObject({
      port: 4001,
      issuer: "http://localhost:4001",
      redirectUris: ["http://localhost:3000/api/auth/callback/local", "https://gatehouse.example/api/auth/callback/local"],
    });
  });

  it("reports one line per problem and never the secret", () => {
    const problems = problemsOf({
      LOCAL_IDP_PORT: "http",
      LOCAL_IDP_CLIENT_SECRET: "too-short-secret",
      LOCAL_IDP_REDIRECT_URIS: "/relative,http://localhost:3000/cb#fragment",
      LOCAL_IDP_ISSUER: "http://localhost:3001/",
      AUTH_LOCAL_IDP: "yes",
    });
    expect(problems).toEqual([
      'AUTH_LOCAL_IDP must be "on" or "off"',
      "LOCAL_IDP_PORT must be a port number",
      "LOCAL_IDP_ISSUER must be an origin such as http://localhost:3001 (http or https, no path, no trailing slash)",
      "LOCAL_IDP_CLIENT_SECRET must be at least 32 characters",
      'LOCAL_IDP_REDIRECT_URIS "/relative" is not an absolute http(s) URL without a fragment',
      'LOCAL_IDP_REDIRECT_URIS "http://localhost:3000/cb#fragment" is not an absolute http(s) URL without a fragment',
    ]);
    for (const problem of problems) {
      expect(problem).not.toContain("\n");
      expect(problem).not.toContain("too-short-secret");
    }
  });

  it("requires the client secret and the redirect URIs", () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^LOCAL_IDP_CLIENT_SECRET is required/);
    expect(problems[1]).toMatch(/^LOCAL_IDP_REDIRECT_URIS is required/);
  });

  it("refuses to start in production unless AUTH_LOCAL_IDP is on", () => {
    for (const AUTH_LOCAL_IDP of [undefined, "", "off"]) {
      const problems = problemsOf({ ...required, NODE_ENV: "production", AUTH_LOCAL_IDP });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/AUTH_LOCAL_IDP/);
    }
  });

  it("starts in production when AUTH_LOCAL_IDP is on, with a warning that anyone can sign in as anyone", () => {
    const result = parseLocalIdpConfig({ ...required, NODE_ENV: "production", AUTH_LOCAL_IDP: "on" });
    expect(result.success && result.config.mode).toBe("production");
    const warning = productionWarning("http://localhost:3001");
    expect(warning.split("\n").length).toBeGreaterThan(3);
    expect(warning).toMatch(/WARNING/);
    expect(warning).toMatch(/sign in AS ANYONE/);
  });

  it("refuses AUTH_LOCAL_IDP=off in development too", () => {
    expect(problemsOf({ ...required, AUTH_LOCAL_IDP: "off" })).toHaveLength(1);
  });
});
