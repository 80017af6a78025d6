/**
 * The scopes a token can carry, with what the consent screen and the token pages say about each.
 * A browser session has them all: a person in their own browser can do everything they own.
 */
export const SCOPES = {
  profile: "See your name, email address and picture",
  "notes:read": "Read your notes",
  "notes:write": "Create, change and delete your notes",
} as const;

export type Scope = keyof typeof SCOPES;

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(SCOPES, value);
}

/** Parses a space-separated `scope` parameter (RFC 6749 §3.3); `null` when it names an unknown scope. */
export function parseScopeParameter(value: string | null | undefined): Scope[] | null {
  const names = (value ?? "").split(" ").filter(Boolean);
  if (!names.every(isScope)) return null;
  return [...new Set(names)];
}
