import { describe, expect, it } from "vitest";

import { newClientSchema, redirectUriProblem } from "@/server/clients/client-input";

/* What the registry accepts (server/clients/client-input.ts): pure rules, no database. */

describe("redirect URIs", () => {
  it("accepts https, http on a loopback IP literal, and reverse-domain private schemes with one slash", () => {
    for (const uri of ["https://app.example/callback", "https://app.example:8443/cb?x=1", "http://127.0.0.1:8976/callback", "http://[::1]/cb", "com.example.app:/oauth2redirect", "io.github.someone.tool:/cb"]) {
      expect(redirectUriProblem(uri), uri).toBeNull();
    }
  });

  it("refuses everything else, with a reason", () => {
    const refused = [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "file:///etc/passwd",
      "http://evil.example/cb",
      "http://localhost:3000/cb",
      "http://127.1/cb", // parses to 127.0.0.1: not in its normal form
      "HTTPS://app.example/cb",
      "https://app.example", // the parser adds the "/"
      "https://app.example/cb#fragment",
      "https://user:pass@app.example/cb",
      "https://*.example.com/cb",
      "myapp:/cb", // no reverse-domain form
      "com.example.app://attacker.example/cb", // an authority, not a path
      "com.example.app:cb",
      "/relative/cb",
      "",
    ];
    for (const uri of refused) expect(redirectUriProblem(uri), uri).not.toBeNull();
  });

  it("never parses or echoes a huge value", () => {
    const huge = `https://app.example/${"a".repeat(5000)}`;
    const parsed = newClientSchema.safeParse({ name: "x", grantTypes: ["authorization_code"], redirectUris: [huge] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toHaveLength(1);
    expect(parsed.error!.issues[0]!.message).toBe("must be at most 2048 characters");
    const long = `javascript:${"a".repeat(1500)}`;
    const refusal = newClientSchema.safeParse({ name: "x", grantTypes: ["authorization_code"], redirectUris: [long] });
    expect(refusal.error!.issues[0]!.message.length).toBeLessThan(300);
  });
});

describe("a new client", () => {
  const problems = (input: Record<string, unknown>) => {
    const parsed = newClientSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  };

  it("is confidential by default, with its grants and scopes deduplicated", () => {
    expect(newClientSchema.parse({ name: "  Billing  ", grantTypes: ["client_credentials", "client_credentials"], scopes: ["notes:read", "notes:read"] })).toEqual({
      name: "Billing",
      type: "confidential",
      grantTypes: ["client_credentials"],
      scopes: ["notes:read"],
      redirectUris: [],
      firstParty: false,
      mayIntrospect: false,
    });
  });

  it("refuses combinations that make no sense or would be unsafe", () => {
    expect(problems({ name: "x", type: "public", grantTypes: ["client_credentials"] })).toEqual([expect.stringMatching(/^grantTypes: .*confidential/)]);
    expect(problems({ name: "x", type: "public", grantTypes: ["authorization_code"], redirectUris: ["https://a.example/"], mayIntrospect: true })).toEqual([expect.stringMatching(/^mayIntrospect:/)]);
    expect(problems({ name: "x", grantTypes: ["authorization_code"] })).toEqual([expect.stringMatching(/^redirectUris: .*at least one/)]);
    expect(problems({ name: "x", grantTypes: ["client_credentials"], redirectUris: ["https://a.example/"] })).toEqual([expect.stringMatching(/^redirectUris: .*only for/)]);
    expect(problems({ name: "x", grantTypes: ["refresh_token"] })).toEqual([expect.stringMatching(/^grantTypes: refresh_token comes with/)]);
    expect(problems({ name: "x", grantTypes: ["password"] })).toEqual([expect.stringMatching(/^grantTypes\.0: must be one of/)]);
    expect(problems({ name: "x", grantTypes: [] })).toEqual([expect.stringMatching(/^grantTypes: name at least one/)]);
    expect(problems({ name: "x", grantTypes: ["client_credentials"], scopes: ["admin"] })).toEqual([expect.stringMatching(/^scopes\.0: must be among/)]);
    expect(problems({ name: "a\u0000b", grantTypes: ["client_credentials"] })).toEqual([expect.stringMatching(/^name: .*control characters/)]);
    expect(problems({ name: "x".repeat(101), grantTypes: ["client_credentials"] })).toEqual([expect.stringMatching(/^name: must be at most 100/)]);
    expect(problems({ name: "   ", grantTypes: ["client_credentials"] })).toEqual([expect.stringMatching(/^name: is required/)]);
  });

  it("accepts the device grant with refresh tokens for a public client, without redirect URIs", () => {
    expect(problems({ name: "TV app", type: "public", grantTypes: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"] })).toEqual([]);
  });
});
