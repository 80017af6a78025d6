"use client";

import { useActionState } from "react";

import { CopyableText } from "@/components/tokens/copyable-text";
import { Button } from "@/components/ui/button";
import { ROTATION_OVERLAPS, type ClientRotateState } from "@/lib/client-admin-state";

const initialState: ClientRotateState = { status: "idle" };

/** One client's "Rotate secret", with the new secret shown once. */
export function ClientRotateForm({ clientId, action }: { clientId: string; action: (state: ClientRotateState, formData: FormData) => Promise<ClientRotateState> }) {
  const [state, formAction, pending] = useActionState(action, initialState);
  return (
    <div className="space-y-2">
      <form action={formAction} className="flex flex-wrap items-end gap-2" aria-label={`Rotate the secret of ${clientId}`}>
        <input type="hidden" name="clientId" value={clientId} />
        <label className="text-sm">
          <span className="block font-medium">Old secret keeps working for</span>
          <select name="overlapSeconds" defaultValue={String(60 * 60)} className="min-h-11 rounded-md border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-900">
            {ROTATION_OVERLAPS.map((overlap) => (
              <option key={overlap.seconds} value={overlap.seconds}>
                {overlap.label}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Rotating…" : "Rotate secret"}
        </Button>
      </form>
      {state.status === "error" ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {state.message}
        </p>
      ) : null}
      {state.status === "rotated" ? (
        <CopyableText
          label="New client secret"
          value={state.clientSecret}
          rows={2}
          hint={state.previousSecretExpiresAt ? `Shown only this once. The old secret works until ${state.previousSecretExpiresAt}.` : "Shown only this once. The old secret no longer works."}
        />
      ) : null}
    </div>
  );
}
