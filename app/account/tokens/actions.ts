"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { PERSONAL_TOKEN_CLIENT_ID, PERSONAL_TOKEN_LIMIT, personalTokenCreateSchema, type PersonalTokenCreateState } from "@/lib/personal-token-schema";
import { requireSession } from "@/server/auth/current-session";
import { getTokenService } from "@/server/tokens";

const PAGE = "/account/tokens";

const revokeFormSchema = z.object({ familyId: z.string().trim().regex(/^[a-z0-9]{1,64}$/) });

/**
 * "Create token": a named, scoped pair for scripts. The secrets go back in the action's answer only, to
 * be shown once; the database keeps their hashes. The token service records `tokens_issued` itself.
 */
export async function createPersonalTokenAction(_previous: PersonalTokenCreateState, formData: FormData): Promise<PersonalTokenCreateState> {
  const session = await requireSession(PAGE);
  const raw = { name: formData.get("name"), scopes: formData.getAll("scope") };
  const parsed = personalTokenCreateSchema.safeParse(raw);
  const values = { name: typeof raw.name === "string" ? raw.name : "", scopes: raw.scopes.filter((scope) => typeof scope === "string") };
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    return { status: "error", message: "The token was not created: check the fields below.", fieldErrors, values };
  }

  const tokens = getTokenService();
  // Counted before issuing, not in one transaction: two simultaneous creates may end one over the limit,
  // which costs nothing; the limit is there to stop minting without end.
  const live = await tokens.listFamilies(session.userId, { kind: "personal" });
  if (live.length >= PERSONAL_TOKEN_LIMIT) {
    return {
      status: "error",
      message: `You already have ${PERSONAL_TOKEN_LIMIT} personal API tokens, the most allowed. Revoke one you no longer use, then create this one.`,
      values,
    };
  }

  const { name, scopes } = parsed.data;
  const { response } = await tokens.issueFamily({ kind: "personal", clientId: PERSONAL_TOKEN_CLIENT_ID, userId: session.userId, scopes, name, issuingSessionId: session.sessionId });
  revalidatePath(PAGE);
  return { status: "created", name, accessToken: response.access_token, refreshToken: response.refresh_token, expiresIn: response.expires_in, scope: response.scope };
}

/**
 * "Revoke": the pair stops working at once, its live access token included (the token service puts it
 * on the denylist and records `token_family_revoked`). Ids of other people's families do nothing.
 */
export async function revokePersonalTokenAction(formData: FormData) {
  const session = await requireSession(PAGE);
  const parsed = revokeFormSchema.safeParse({ familyId: formData.get("familyId") });
  if (!parsed.success) return;
  await getTokenService().revokeUserFamily(session.userId, parsed.data.familyId);
  revalidatePath(PAGE);
}
