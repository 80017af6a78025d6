// GET /oauth/authorize — the authorization endpoint (RFC 6749 §4.1.1, PKCE S256 only). The person signs
// in with their browser session, then approves the client on a consent screen (skipped for first-party
// clients); the code goes back to the client's registered redirect URI.
import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { Button } from "@/components/ui/button";
import { signInUrlReturningTo } from "@/lib/safe-redirect";
import { SCOPES } from "@/lib/scopes";
import { getCurrentSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { authorizationResponseUrl, validateAuthorizeRequest } from "@/server/oauth/authorize-request";
import { approveAuthorization } from "@/server/oauth/complete-authorization";
import { getTokenConfig } from "@/server/services";

import { decideAuthorizationAction } from "./actions";

export const metadata: Metadata = { title: "Authorize an application" };

export default async function AuthorizePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const query = new URLSearchParams(Object.entries(params).flatMap(([name, value]) => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((item) => [name, item]))).toString();
  const validation = await validateAuthorizeRequest(getDb(), params);
  const { issuer } = getTokenConfig();

  if (validation.outcome === "show-error") {
    return (
      <section className="mx-auto max-w-lg space-y-3" aria-labelledby="authorize-error">
        <h1 id="authorize-error" className="text-2xl font-bold tracking-tight">
          This sign-in request cannot continue
        </h1>
        <p role="alert" className="text-sm text-slate-700 dark:text-slate-300">
          {validation.message}
        </p>
      </section>
    );
  }
  if (validation.outcome === "redirect-error") {
    redirect(authorizationResponseUrl(validation.redirectUri, issuer, { error: validation.error, error_description: validation.description, state: validation.state }));
  }

  const session = await getCurrentSession();
  if (!session) redirect(signInUrlReturningTo(`/oauth/authorize?${query}`));
  const { request } = validation;

  if (request.client.firstParty) redirect(await approveAuthorization(request, session, `/oauth/authorize?${query}`));

  const destination = new URL(request.redirectUri);
  return (
    <section className="mx-auto max-w-lg space-y-6 rounded-xl border border-slate-200 p-6 shadow-sm dark:border-slate-800" aria-labelledby="consent-title">
      <div className="space-y-2">
        <h1 id="consent-title" className="text-2xl font-bold tracking-tight">
          {request.client.name} wants to use your Gatehouse account
        </h1>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Signed in as <strong>{session.user.email ?? session.user.name ?? "you"}</strong>. If you allow it, {request.client.name} will be able to:
        </p>
      </div>
      <ul className="space-y-2" aria-label="Requested permissions">
        {request.scopes.map((scope) => (
          <li key={scope} className="flex items-start gap-3 rounded-md bg-slate-50 px-3 py-2 text-sm dark:bg-slate-900">
            <code className="shrink-0 rounded bg-slate-200 px-1.5 py-0.5 text-xs dark:bg-slate-800">{scope}</code>
            <span>{SCOPES[scope]}</span>
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        You will be sent back to <span className="font-mono">{destination.origin}</span>. You can withdraw this access at any time on Devices &amp; access.
      </p>
      <form action={decideAuthorizationAction} className="flex gap-3">
        <input type="hidden" name="request" value={query} />
        <Button type="submit" name="decision" value="allow">
          Allow
        </Button>
        <Button type="submit" name="decision" value="deny" variant="secondary">
          Deny
        </Button>
      </form>
    </section>
  );
}
