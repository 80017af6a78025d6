"use client";

import { useActionState, useState } from "react";

import { Button } from "@/components/ui/button";
import { PERSONAL_TOKEN_NAME_MAX, type PersonalTokenCreateState } from "@/lib/personal-token-schema";
import { SCOPES, type Scope } from "@/lib/scopes";

import { CreatedTokenPanel } from "./created-token-panel";

const initialState: PersonalTokenCreateState = { status: "idle" };

/** The create form of /account/tokens, and the shown-once result of its last submission. */
export function PersonalTokenForm({
  action,
  issuer,
  atLimit,
}: {
  action: (state: PersonalTokenCreateState, formData: FormData) => Promise<PersonalTokenCreateState>;
  issuer: string;
  /** The person holds the most tokens allowed: the form says so (the action refuses too). */
  atLimit: string | null;
}) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const [dismissed, setDismissed] = useState<PersonalTokenCreateState | null>(null);
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};
  const values = state.status === "error" ? state.values : undefined;

  return (
    <div className="space-y-4">
      {state.status === "created" && dismissed !== state ? <CreatedTokenPanel created={state} issuer={issuer} onDone={() => setDismissed(state)} /> : null}

      <form action={formAction} className="space-y-4" aria-label="Create a token">
        {state.status === "error" ? (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
            {state.message}
          </p>
        ) : null}
        {atLimit ? <p className="text-sm text-slate-700 dark:text-slate-300">{atLimit}</p> : null}

        <div className="space-y-1">
          <label htmlFor="token-name" className="block text-sm font-medium">
            Name
          </label>
          <input
            id="token-name"
            name="name"
            type="text"
            autoComplete="off"
            maxLength={PERSONAL_TOKEN_NAME_MAX}
            defaultValue={values?.name ?? ""}
            placeholder="backup script"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? "token-name-error token-name-hint" : "token-name-hint"}
            className="w-full max-w-sm rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900"
          />
          <p id="token-name-hint" className="text-xs text-slate-600 dark:text-slate-400">
            What will use it, so you know which one to revoke. Up to {PERSONAL_TOKEN_NAME_MAX} characters.
          </p>
          {errors.name ? (
            <p id="token-name-error" className="text-sm text-red-700 dark:text-red-300">
              {errors.name[0]}
            </p>
          ) : null}
        </div>

        <fieldset className="space-y-2" aria-invalid={errors.scopes ? true : undefined} aria-describedby={errors.scopes ? "token-scopes-error" : undefined}>
          <legend className="text-sm font-medium">Scopes</legend>
          <p className="text-xs text-slate-600 dark:text-slate-400">Give the script only what it needs: a leaked token can do no more than this.</p>
          {(Object.entries(SCOPES) as [Scope, string][]).map(([scope, description]) => (
            <label key={scope} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="scope" value={scope} defaultChecked={values?.scopes.includes(scope) ?? false} className="mt-1 size-4" />
              <span>
                <code className="rounded bg-slate-200 px-1.5 py-0.5 text-xs dark:bg-slate-800">{scope}</code> {description}
              </span>
            </label>
          ))}
          {errors.scopes ? (
            <p id="token-scopes-error" className="text-sm text-red-700 dark:text-red-300">
              {errors.scopes[0]}
            </p>
          ) : null}
        </fieldset>

        <Button type="submit" disabled={pending || atLimit !== null}>
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
    </div>
  );
}
