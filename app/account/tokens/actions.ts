"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { personalTokenCreateSchema, type PersonalTokenCreateState } from "@/lib/personal-token-schema";
import { parseId } from "@/lib/record-id";
import { createPersonalToken, revokePersonalToken, type PersonalTokenCreation } from "@/server/account/personal-tokens";
import { requireSession } from "@/server/auth/current-session";
import { answerPageError } from "@/server/http/page-error";
import { actionForm } from "@/server/http/action-form";

const PAGE = "/account/tokens";

/** "Create token": the pair goes back in the action's answer only, to be shown once. */
export async function createPersonalTokenAction(_previous: PersonalTokenCreateState, formData: FormData): Promise<PersonalTokenCreateState> {
  const form = actionForm(formData);
  const session = await requireSession(PAGE);
  const raw = { name: form.get("name"), scopes: form.getAll("scope") };
  const parsed = personalTokenCreateSchema.safeParse(raw);
  const values = { name: typeof raw.name === "string" ? raw.name : "", scopes: raw.scopes.filter((scope) => typeof scope === "string") };
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    return { status: "error", message: "The token was not created: check the fields below.", fieldErrors, values };
  }

  let created: PersonalTokenCreation;
  try {
    created = await createPersonalToken(session, parsed.data);
  } catch (error) {
    answerPageError(error, { returnTo: PAGE });
  }
  if (created.outcome === "limit_reached") {
    return {
      status: "error",
      message: `You already have ${created.limit} personal API tokens, the most allowed. Revoke one you no longer use, then create this one.`,
      values,
    };
  }
  revalidatePath(PAGE);
  const { outcome: _outcome, ...pair } = created;
  return { status: "created", ...pair };
}

/** "Revoke": the pair stops working at once, its live access token included. Ids of other people's families do nothing. */
export async function revokePersonalTokenAction(formData: FormData) {
  const form = actionForm(formData);
  const session = await requireSession(PAGE);
  const familyId = parseId(form.get("familyId"));
  if (!familyId) return;
  await revokePersonalToken(session.userId, familyId);
  revalidatePath(PAGE);
}
