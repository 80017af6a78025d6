import { describe, expect, it } from "vitest";

import { buildProviders, summariseProviders } from "@/server/auth/providers";
import { parseEnv } from "@/server/env-schema";

const secret = "s".repeat(40);
const base = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/gatehouse", AUTH_SECRET: secret, LOCAL_IDP_CLIENT_SECRET: secret };
const all = { ...base, AUTH_GOOGLE_ID: "g", AUTH_GOOGLE_SECRET: "gs", AUTH_GITHUB_ID: "h", AUTH_GITHUB_SECRET: "hs" };

function providerOptions(env: ReturnType<typeof parseEnv>) {
  // Auth.js provider factories keep the caller's options under `options`; the local one is a plain object.
  return buildProviders(env).map((provider) => {
    const config = typeof provider === "function" ? provider() : provider;
    const options = ("options" in config ? config.options : config) as Record<string, unknown>;
    return { ...options, id: config.id } as Record<string, unknown> & { id: string };
  });
}

describe("sign-in providers", () => {
  it("shows only the local provider when Google and GitHub are not configured", () => {
    expect(summariseProviders(parseEnv(base))).toEqual([{ id: "local", name: "Local ID" }]);
  });

  it("adds Google and GitHub when their credentials are set", () => {
    expect(summariseProviders(parseEnv(all)).map((provider) => provider.name)).toEqual(["Google", "GitHub", "Local ID"]);
    expect(providerOptions(parseEnv(all)).map((provider) => provider.id)).toEqual(["google", "github", "local"]);
  });

  it("uses PKCE and state everywhere, and nonce where OpenID Connect has it", () => {
    const checks = Object.fromEntries(providerOptions(parseEnv(all)).map((provider) => [provider.id, provider.checks]));
    expect(checks).toEqual({ google: ["pkce", "state", "nonce"], github: ["pkce", "state"], local: ["pkce", "state", "nonce"] });
  });

  it("keeps provider tokens out of the database", () => {
    for (const provider of providerOptions(parseEnv(all))) {
      const account = provider.account as (tokens: Record<string, unknown>) => unknown;
      expect(account({ access_token: "at", refresh_token: "rt", id_token: "it" })).toEqual({});
    }
  });
});
