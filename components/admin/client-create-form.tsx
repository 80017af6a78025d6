"use client";

import { useActionState, useState } from "react";

import { CopyableText } from "@/components/tokens/copyable-text";
import { Button } from "@/components/ui/button";
import type { ClientCreateState } from "@/lib/client-admin-state";
import { CLIENT_GRANT_TYPES, DEVICE_CODE_GRANT_TYPE, type ClientGrantType } from "@/lib/grant-types";
import { SCOPES, type Scope } from "@/lib/scopes";

const GRANT_LABELS: Record<ClientGrantType, string> = {
  client_credentials: "client_credentials: a service acting for itself (confidential only)",
  authorization_code: "authorization_code: people sign in through it, with PKCE",
  refresh_token: "refresh_token: with one of the grants that issue them",
  [DEVICE_CODE_GRANT_TYPE]: "device_code: CLIs and TVs (RFC 8628)",
};

const initialState: ClientCreateState = { status: "idle" };
const inputClass = "w-full max-w-xl rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900";

function FieldError({ id, errors }: { id: string; errors?: string[] }) {
  return errors ? (
    <p id={id} className="text-sm text-red-700 dark:text-red-300">
      {errors[0]}
    </p>
  ) : null;
}

/** /admin/clients' register form, and the shown-once secret of its last submission. */
export function ClientCreateForm({ action }: { action: (state: ClientCreateState, formData: FormData) => Promise<ClientCreateState> }) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const [dismissed, setDismissed] = useState<ClientCreateState | null>(null);
  const errors = state.status === "error" ? state.fieldErrors : {};

  return (
    <div className="space-y-4">
      {state.status === "created" && dismissed !== state ? (
        <section aria-labelledby="registered-client" className="space-y-3 rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950">
          <h3 id="registered-client" className="text-base font-semibold">
            “{state.name}” registered
          </h3>
          <CopyableText label="Client ID" value={state.clientId} rows={1} />
          {state.clientSecret ? (
            <CopyableText label="Client secret" value={state.clientSecret} rows={2} hint="Shown only this once: Gatehouse keeps its SHA-256. Keep it like a password." />
          ) : (
            <p className="text-sm">A public client has no secret: PKCE protects its codes.</p>
          )}
          <Button type="button" variant="secondary" onClick={() => setDismissed(state)}>
            Done, I have saved it
          </Button>
        </section>
      ) : null}

      <form action={formAction} className="space-y-4" aria-label="Register a client">
        {state.status === "error" ? (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
            {state.message}
          </p>
        ) : null}
        <div className="space-y-1">
          <label htmlFor="client-name" className="block text-sm font-medium">
            Name
          </label>
          <input id="client-name" name="name" type="text" maxLength={100} autoComplete="off" className={inputClass} aria-describedby="client-name-error" />
          <FieldError id="client-name-error" errors={errors.name} />
        </div>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Type</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="type" value="confidential" defaultChecked className="size-4" /> Confidential: a server that keeps a secret
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="type" value="public" className="size-4" /> Public: a native, browser or CLI app (no secret)
          </label>
        </fieldset>
        <fieldset className="space-y-1" aria-describedby="client-grants-error">
          <legend className="text-sm font-medium">Grant types</legend>
          {CLIENT_GRANT_TYPES.map((grantType) => (
            <label key={grantType} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="grantType" value={grantType} className="mt-1 size-4" /> <span>{GRANT_LABELS[grantType]}</span>
            </label>
          ))}
          <FieldError id="client-grants-error" errors={errors.grantTypes} />
        </fieldset>
        <fieldset className="space-y-1" aria-describedby="client-scopes-error">
          <legend className="text-sm font-medium">Scopes it may ask for</legend>
          {(Object.entries(SCOPES) as [Scope, string][]).map(([scope, description]) => (
            <label key={scope} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="scope" value={scope} className="mt-1 size-4" />
              <span>
                <code className="rounded bg-slate-200 px-1.5 py-0.5 text-xs dark:bg-slate-800">{scope}</code> {description}
              </span>
            </label>
          ))}
          <FieldError id="client-scopes-error" errors={errors.scopes} />
        </fieldset>
        <div className="space-y-1">
          <label htmlFor="client-redirect-uris" className="block text-sm font-medium">
            Redirect URIs, one per line (authorization_code only)
          </label>
          <textarea id="client-redirect-uris" name="redirectUris" rows={2} className={`${inputClass} font-mono`} aria-describedby="client-redirect-uris-error" />
          <FieldError id="client-redirect-uris-error" errors={errors.redirectUris} />
        </div>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="firstParty" className="mt-1 size-4" /> <span>First-party: ours, so people are not asked to consent (and shown as verified)</span>
        </label>
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="mayIntrospect" className="mt-1 size-4" /> <span>May introspect any token (a resource server; confidential only)</span>
        </label>
        <FieldError id="client-introspect-error" errors={errors.mayIntrospect} />
        <Button type="submit" disabled={pending}>
          {pending ? "Registering…" : "Register client"}
        </Button>
      </form>
    </div>
  );
}
