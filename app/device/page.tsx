import type { Metadata } from "next";

import { DeviceCodeForm } from "@/components/device/device-code-form";
import { requireSession } from "@/server/auth/current-session";

import { approveDeviceAction, denyDeviceAction, lookUpDeviceCodeAction } from "./actions";

export const metadata: Metadata = { title: "Sign in a device" };

const DECIDED: Record<string, string> = {
  approved: "Approved. Go back to your device: it is signed in within a few seconds.",
  denied: "Denied. The device was told no, and gets nothing.",
  gone: "Nothing to decide: that request has expired or was already decided.",
};

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The device authorization grant's page for people (RFC 8628 §3.3): type the code a CLI or a TV shows
 * (or arrive with it in the link, which only fills the field in), see who is asking for what, approve or
 * deny. The tokens belong to whoever approves.
 */
export default async function DevicePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const typed = first(params.user_code)?.slice(0, 32) ?? "";
  await requireSession(typed ? `/device?user_code=${encodeURIComponent(typed)}` : "/device");
  const decided = first(params.decided);

  return (
    <div className="max-w-xl space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign in a device</h1>
      {decided && Object.hasOwn(DECIDED, decided) ? (
        <p role="status" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm dark:border-slate-700 dark:bg-slate-900">
          {DECIDED[decided]}
        </p>
      ) : null}
      <DeviceCodeForm initialCode={typed} lookUpAction={lookUpDeviceCodeAction} approveAction={approveDeviceAction} denyAction={denyDeviceAction} />
    </div>
  );
}
