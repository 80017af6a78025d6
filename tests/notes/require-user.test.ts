import { describe, expect, it } from "vitest";

import { ResourceAccessError, type Principal } from "@/server/auth/principal";
import { requireUserId } from "@/server/auth/require-user";

/* Notes belong to people: a client acting for itself (client credentials) must not reach any. */

describe("requireUserId", () => {
  it("returns the person of a session or a user's token", () => {
    const session: Principal = { kind: "session", userId: "u1", sessionId: "s1", scopes: ["notes:read"] };
    const userToken: Principal = { kind: "user-token", userId: "u2", clientId: "c", jti: "j", scopes: ["notes:read"] };
    expect(requireUserId(session)).toBe("u1");
    expect(requireUserId(userToken)).toBe("u2");
  });

  it("refuses a client's own token with 403, however many scopes it carries", () => {
    const clientToken: Principal = { kind: "client-token", clientId: "c", jti: "j", scopes: ["profile", "notes:read", "notes:write"] };
    expect(() => requireUserId(clientToken)).toThrow(ResourceAccessError);
    expect(() => requireUserId(clientToken)).toThrow(expect.objectContaining({ status: 403, code: "insufficient_scope" }));
  });
});
