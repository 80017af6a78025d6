"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { requireSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { authorizeParamsFrom, validateAuthorizeRequest } from "@/server/oauth/authorize-request";
import { approveAuthorization, denyAuthorization } from "@/server/oauth/complete-authorization";
import { actionForm } from "@/server/http/action-form";

const decisionSchema = z.object({
  request: z.string().max(8192),
  decision: z.enum(["allow", "deny"]),
});

/**
 * The consent screen's answer. The request is validated again from scratch (the form is the person's,
 * not ours: anything in it may have been changed), then the code or `access_denied` goes to the client.
 */
export async function decideAuthorizationAction(formData: FormData) {
  const form = actionForm(formData);
  const parsed = decisionSchema.safeParse({ request: form.get("request"), decision: form.get("decision") });
  if (!parsed.success) redirect("/oauth/authorize");
  // Encoded again, so that whatever the form held goes into a redirect's Location as a valid header value.
  const query = new URLSearchParams(parsed.data.request).toString();
  const session = await requireSession(`/oauth/authorize?${query}`);
  const validation = await validateAuthorizeRequest(getDb(), authorizeParamsFrom(query));
  if (validation.outcome !== "ok") redirect(`/oauth/authorize?${query}`);
  redirect(
    parsed.data.decision === "allow" ? await approveAuthorization(validation.request, session, `/oauth/authorize?${query}`) : denyAuthorization(validation.request),
  );
}
