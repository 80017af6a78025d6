"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { requireSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { authorizeParamsFrom, validateAuthorizeRequest } from "@/server/oauth/authorize-request";
import { approveAuthorization, denyAuthorization } from "@/server/oauth/complete-authorization";

const decisionSchema = z.object({
  request: z.string().max(8192),
  decision: z.enum(["allow", "deny"]),
});

/**
 * The consent screen's answer. The request is validated again from scratch (the form is the person's,
 * not ours: anything in it may have been changed), then the code or `access_denied` goes to the client.
 */
export async function decideAuthorizationAction(formData: FormData) {
  const parsed = decisionSchema.safeParse({ request: formData.get("request"), decision: formData.get("decision") });
  if (!parsed.success) redirect("/oauth/authorize");
  const query = parsed.data.request;
  const session = await requireSession(`/oauth/authorize?${query}`);
  const validation = await validateAuthorizeRequest(getDb(), authorizeParamsFrom(query));
  if (validation.outcome !== "ok") redirect(`/oauth/authorize?${query}`);
  redirect(
    parsed.data.decision === "allow" ? await approveAuthorization(validation.request, session, `/oauth/authorize?${query}`) : denyAuthorization(validation.request),
  );
}
