"use client";

import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import type { DeviceLookupState } from "@/lib/device-lookup-state";
import { SCOPES, isScope } from "@/lib/scopes";

const initialState: DeviceLookupState = { outcome: "idle" };

const formatted = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/** /device: the code form, then who is asking for what, with Approve and Deny. */
export function DeviceCodeForm({
  initialCode,
  lookUpAction,
  approveAction,
  denyAction,
}: {
  initialCode: string;
  lookUpAction: (state: DeviceLookupState, formData: FormData) => Promise<DeviceLookupState>;
  approveAction: (formData: FormData) => Promise<void>;
  denyAction: (formData: FormData) => Promise<void>;
}) {
  const [state, formAction, pending] = useActionState(lookUpAction, initialState);

  if (state.outcome === "found") {
    const { request, userCode } = state;
    const minutes = request.minutesAgo;
    return (
      <section aria-labelledby="device-request" className="space-y-4 rounded-lg border border-slate-300 p-4 dark:border-slate-700">
        <h2 id="device-request" className="text-lg font-semibold">
          {request.client.name} wants to use your account
        </h2>
        <p className="text-sm">
          {request.client.verified ? "Verified app: it is this site's own." : "Unverified app: registered by someone other than this site."}{" "}
          <strong>Approve only if you started this yourself, on your own device, {minutes === 0 ? "just now" : `${minutes} min ago`}</strong>, and it shows the code{" "}
          <code className="font-mono">{formatted(userCode)}</code>. Someone who sent you this link can otherwise sign their device in as you.
        </p>
        <div className="space-y-1 text-sm">
          <p className="font-medium">It will be able to:</p>
          <ul className="list-disc pl-5">
            {request.scopes.map((scope) => (
              <li key={scope}>{isScope(scope) ? SCOPES[scope] : scope}</li>
            ))}
          </ul>
        </div>
        <div className="flex gap-3">
          {[
            { action: approveAction, label: "Approve", variant: "primary" as const },
            { action: denyAction, label: "Deny", variant: "secondary" as const },
          ].map(({ action, label, variant }) => (
            <form key={label} action={action}>
              <input type="hidden" name="deviceCodeId" value={request.id} />
              <input type="hidden" name="userCode" value={userCode} />
              <Button type="submit" variant={variant}>
                {label}
              </Button>
            </form>
          ))}
        </div>
      </section>
    );
  }

  const typed = state.outcome === "idle" ? "" : state.typed;
  const problem = {
    idle: null,
    malformed: `“${typed}” is not a code: a code is 8 letters, like BCDF-GHJK. Check what your device shows.`,
    not_found: `No request has the code ${typed}: it may have expired or been decided already. Check your device, or start again there.`,
    limited: state.outcome === "limited" ? `Too many wrong codes. Try again in ${Math.ceil(state.retryAfterSeconds / 60)} minutes.` : null,
  }[state.outcome];
  return (
    <form action={formAction} className="space-y-3" aria-label="Enter the code">
      {problem ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
      <label htmlFor="user-code" className="block text-sm font-medium">
        The code your device shows
      </label>
      <input
        id="user-code"
        name="userCode"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={32}
        defaultValue={state.outcome === "idle" ? initialCode : state.typed}
        placeholder="BCDF-GHJK"
        className="w-48 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-lg tracking-widest dark:border-slate-700 dark:bg-slate-900"
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Looking it up…" : "Continue"}
      </Button>
    </form>
  );
}
