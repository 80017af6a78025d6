import { z } from "zod";

import { isScope, type Scope } from "./scopes";

/**
 * Personal API tokens, as the /account/tokens form sends them and its server action answers. Shared by
 * the action (which validates) and the form (which shows the limits and the shown-once result).
 */

/** The public client every personal token pair belongs to; scripts name it when they refresh. */
export const PERSONAL_TOKEN_CLIENT_ID = "gatehouse-personal";

export const PERSONAL_TOKEN_NAME_MAX = 60;

/**
 * Live personal tokens a person may hold at once. Enough for every script someone really runs; a cap
 * keeps a leaked session (or a runaway script clicking "Create") from minting credentials without end,
 * and keeps the list reviewable, which is the point of naming them.
 */
export const PERSONAL_TOKEN_LIMIT = 20;

export const personalTokenCreateSchema = z.object({
  name: z
    .string({ error: "Give the token a name." })
    .trim()
    .min(1, "Give the token a name, such as the script that will use it.")
    .max(PERSONAL_TOKEN_NAME_MAX, `Keep the name to ${PERSONAL_TOKEN_NAME_MAX} characters or fewer.`)
    // Control characters would make the name ambiguous in the list and in logs; an unpaired surrogate
    // cannot be stored as sent.
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, "The name cannot contain control characters or unpaired surrogates."),
  scopes: z
    .array(z.custom<Scope>((value) => typeof value === "string" && isScope(value), "Unknown scope."))
    .min(1, "Choose at least one scope.")
    .transform((scopes) => [...new Set(scopes)]),
});

export type PersonalTokenCreateInput = z.output<typeof personalTokenCreateSchema>;

/** What `createPersonalTokenAction` answers, for `useActionState`. */
export type PersonalTokenCreateState =
  | { status: "idle" }
  | {
      status: "error";
      message: string;
      fieldErrors?: { name?: string[]; scopes?: string[] };
      /** What was sent, so the form can show it again instead of starting over. */
      values?: { name: string; scopes: string[] };
    }
  | {
      status: "created";
      name: string;
      accessToken: string;
      refreshToken: string;
      /** Seconds until the access token expires. */
      expiresIn: number;
      /** Space-separated, as the token endpoint says it (RFC 6749 §5.1). */
      scope: string;
    };

/** A live personal token pair as the list shows it: names, scopes and times, never a secret. */
export interface PersonalTokenSummary {
  id: string;
  name: string | null;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date;
  /** When its current refresh token lapses if the script never refreshes. */
  idleExpiresAt: Date;
  /** The family's absolute end, however often it is refreshed. */
  expiresAt: Date;
}
