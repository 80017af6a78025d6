import { describe, expect, it } from "vitest";

import { adminUsersQuerySchema } from "@/lib/admin-filters";
import { noteCreateSchema, noteUpdateSchema } from "@/lib/notes-schema";
import { personalTokenCreateSchema } from "@/lib/personal-token-schema";
import { isStorableText } from "@/lib/storable-text";
import { newClientSchema } from "@/server/clients/client-input";

/*
 * Text that PostgreSQL cannot store as sent (a NUL, which it refuses: the insert failed with a 500) or
 * that has no UTF-8 form (an unpaired surrogate, stored as U+FFFD) is refused where it comes in.
 */
describe("free text for storing", () => {
  const unstorable = ["a\u0000b", "\u0000", "a\ud800b", "\udc00", "x\ud83d"];

  it.each(unstorable)("refuses %j", (text) => {
    expect(isStorableText(text)).toBe(false);
    expect(noteCreateSchema.safeParse({ title: text }).success).toBe(false);
    expect(noteCreateSchema.safeParse({ title: "ok", body: text }).success).toBe(false);
    expect(noteUpdateSchema.safeParse({ body: text }).success).toBe(false);
    expect(personalTokenCreateSchema.safeParse({ name: text, scopes: ["profile"] }).success).toBe(false);
    expect(newClientSchema.safeParse({ name: text, type: "confidential", grantTypes: ["client_credentials"], scopes: ["notes:read"], redirectUris: [] }).success).toBe(false);
    // An admin search that PostgreSQL would refuse is ignored, as any malformed query is.
    expect(adminUsersQuerySchema.parse({ q: text }).q).toBeUndefined();
  });

  it.each(["plain", "Ünïcödé ☃", "emoji 😀 pairs", "tabs\tand\nnewlines", ""])("keeps %j", (text) => {
    expect(isStorableText(text)).toBe(true);
    expect(noteUpdateSchema.safeParse({ body: text }).success).toBe(true);
  });

  it("accepts a client and a token whose names are plain", () => {
    expect(personalTokenCreateSchema.safeParse({ name: "backup script 😀", scopes: ["profile"] }).success).toBe(true);
    expect(newClientSchema.safeParse({ name: "Billing", type: "confidential", grantTypes: ["client_credentials"], scopes: ["notes:read"], redirectUris: [] }).success).toBe(true);
    expect(adminUsersQuerySchema.parse({ q: "ada" }).q).toBe("ada");
  });
});
