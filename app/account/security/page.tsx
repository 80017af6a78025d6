import type { Metadata } from "next";

import { AccessList, type AccessEntry } from "@/components/security/access-list";
import { Button } from "@/components/ui/button";
import { requireSession } from "@/server/auth/current-session";
import { getSessionService } from "@/server/sessions";

import { revokeAllSessionsAction, revokeOtherSessionsAction, revokeSessionAction } from "./actions";

export const metadata: Metadata = { title: "Devices & access" };

export default async function SecurityPage() {
  const session = await requireSession("/account/security");
  const sessions = await getSessionService().list(session.userId);
  const entries: AccessEntry[] = sessions.map((item) => ({ kind: "browser-session", ...item, current: item.id === session.sessionId }));

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Devices &amp; access</h1>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Every browser signed in to your account, most recently active first. Signing a device out ends its session at once.
        </p>
      </div>
      <AccessList entries={entries} revokeAction={revokeSessionAction} />
      <div className="flex flex-col gap-3 sm:flex-row">
        <form action={revokeOtherSessionsAction}>
          <Button type="submit" variant="secondary" className="w-full sm:w-auto">
            Sign out all other devices
          </Button>
        </form>
        <form action={revokeAllSessionsAction}>
          <Button type="submit" className="w-full sm:w-auto">
            Sign out everywhere
          </Button>
        </form>
      </div>
    </div>
  );
}
