"use server";

import { redirect } from "next/navigation";
import { z } from "zod";

import { requireSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { authorizationResponseUrl, validateAuthorizeRequest } from "@/server/oauth/authorize-request";
import { getTokenConfig, getTokenService } from "@/server/tokens";

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
  const params = Object.fromEntries(new URLSearchParams(query));
  const validation = await validateAuthorizeRequest(getDb(), params);
  if (validation.outcome !== "ok") redirect(`/oauth/authorize?${query}`);
  const { request } = validation;
  const { issuer } = getTokenConfig();
  if (parsed.data.decision === "deny") {
    redirect(authorizationResponseUrl(request.redirectUri, issuer, { error: "access_denied", error_description: "The person declined.", state: request.state }));
  }
  const code = await getTokenService().createAuthorizationCode({
    clientId: request.client.id,
    userId: session.userId,
    redirectUri: request.redirectUri,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
  });
  redirect(authorizationResponseUrl(request.redirectUri, issuer, { code, state: request.state }));
}
