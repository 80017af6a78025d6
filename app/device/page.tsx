import type { Metadata } from "next";

import { Button } from "@/components/ui/button";
import { SCOPES, isScope } from "@/lib/scopes";
import { requireSession } from "@/server/auth/current-session";
import { lookUpDeviceCode } from "@/server/device/device-approval";
import { formatUserCode } from "@/server/tokens/device-authorization";

import { approveDeviceAction, denyDeviceAction } from "./actions";

export const metadata: Metadata = { title: "Sign in a device" };

const DECIDED: Record<string, string> = {
  approved: "Approved. Go back to your device: it is signed in within a few seconds.",
  denied: "Denied. The device was told no, and gets nothing.",
  gone: "Nothing to decide: that request has expired or was already decided.",
};

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The device authorization grant's page for people (RFC 8628 §3.3): type the code a CLI or a TV shows
 * (or arrive with it in the link), see who is asking for what, approve or deny. The tokens belong to
 * whoever approves.
 */
export default async function DevicePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const typed = first(params.user_code);
  const session = await requireSession(typed ? `/device?user_code=${encodeURIComponent(typed.slice(0, 32))}` : "/device");
  const decided = first(params.decided);
  const lookup = typed ? await lookUpDeviceCode(session.sessionId, typed) : null;

  return (
    <div className="max-w-xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign in a device</h1>
      {decided && DECIDED[decided] ? (
        <p role="status" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm dark:border-slate-700 dark:bg-slate-900">
          {DECIDED[decided]}
        </p>
      ) : null}

      {lookup?.outcome === "found" ? (
        <section aria-labelledby="device-request" className="space-y-4 rounded-lg border border-slate-300 p-4 dark:border-slate-700">
          <h2 id="device-request" className="text-lg font-semibold">
            {lookup.request.client.name} wants to use your account
          </h2>
          <p className="text-sm">
            {lookup.request.client.verified ? (
              <span className="font-medium text-emerald-800 dark:text-emerald-300">Verified: registered by this site&apos;s operators.</span>
            ) : (
              <span className="font-medium text-amber-800 dark:text-amber-300">Not verified: approve only if you started this on your own device.</span>
            )}{" "}
            Code <code className="font-mono">{formatUserCode(lookup.userCode)}</code>: check that your device shows the same.
          </p>
          <div className="space-y-1 text-sm">
            <p className="font-medium">It will be able to:</p>
            <ul className="list-disc pl-5">
              {lookup.request.scopes.map((scope) => (
                <li key={scope}>{isScope(scope) ? SCOPES[scope] : scope}</li>
              ))}
            </ul>
          </div>
          <div className="flex gap-3">
            <form action={approveDeviceAction}>
              <input type="hidden" name="userCode" value={lookup.userCode} />
              <Button type="submit">Approve</Button>
            </form>
            <form action={denyDeviceAction}>
              <input type="hidden" name="userCode" value={lookup.userCode} />
              <Button type="submit" variant="secondary">
                Deny
              </Button>
            </form>
          </div>
        </section>
      ) : (
        <form method="get" action="/device" className="space-y-3" aria-label="Enter the code">
          {lookup?.outcome === "malformed" ? <p role="alert" className="text-sm text-red-700 dark:text-red-300">A code is 8 letters, like BCDF-GHJK. Check what your device shows.</p> : null}
          {lookup?.outcome === "not_found" ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              No request has this code: it may have expired or been decided already. Check your device, or start again there.
            </p>
          ) : null}
          {lookup?.outcome === "limited" ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              Too many wrong codes. Try again in {Math.ceil(lookup.retryAfterSeconds / 60)} minutes.
            </p>
          ) : null}
          <label htmlFor="user-code" className="block text-sm font-medium">
            The code your device shows
          </label>
          <input
            id="user-code"
            name="user_code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={32}
            defaultValue={typed?.slice(0, 32) ?? ""}
            placeholder="BCDF-GHJK"
            className="w-48 rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-lg tracking-widest dark:border-slate-700 dark:bg-slate-900"
          />
          <Button type="submit">Continue</Button>
        </form>
      )}
    </div>
  );
}
