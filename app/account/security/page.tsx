import type { Metadata } from "next";
import Link from "next/link";

import { AccessList, type AccessEntry } from "@/components/security/access-list";
import { Button } from "@/components/ui/button";
import { requireSession } from "@/server/auth/current-session";
import { getSessionService, getTokenService } from "@/server/services";

import { revokeAllSessionsAction, revokeOtherSessionsAction, revokeSessionAction, revokeTokenFamilyAction } from "./actions";

export const metadata: Metadata = { title: "Devices & access" };

export default async function SecurityPage() {
  const session = await requireSession("/account/security");
  const [sessions, families] = await Promise.all([getSessionService().list(session.userId), getTokenService().listFamilies(session.userId)]);
  const sessionEntries: AccessEntry[] = sessions.map((item) => ({ kind: "browser-session", ...item, current: item.id === session.sessionId }));
  const tokenEntries: AccessEntry[] = families.map((family) => ({
    kind: "token-family",
    id: family.id,
    familyKind: family.kind,
    name: family.name,
    client: family.client,
    scopes: family.scopes,
    createdAt: family.createdAt,
    lastUsedAt: family.lastUsedAt,
  }));

  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">Devices &amp; access</h1>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Everything that can act as you: the browsers signed in to your account, and the apps and scripts holding API tokens. Revoking one
          ends its access at once.
        </p>
      </div>

      <section aria-labelledby="browser-sessions" className="space-y-3">
        <h2 id="browser-sessions" className="text-lg font-semibold">
          Browser sessions
        </h2>
        <p className="text-sm text-slate-700 dark:text-slate-300">Most recently active first.</p>
        <AccessList entries={sessionEntries} revokeAction={revokeSessionAction} />
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
        <p className="text-xs text-slate-600 dark:text-slate-400">Signing out everywhere also revokes every app and API token below.</p>
      </section>

      <section aria-labelledby="apps-and-tokens" className="space-y-3">
        <h2 id="apps-and-tokens" className="text-lg font-semibold">
          Apps and API tokens
        </h2>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Apps you authorized, your{" "}
          <Link href="/account/tokens" className="font-medium underline">
            personal API tokens
          </Link>{" "}
          and the token playground, newest first. “Last used” is when each last got new tokens.
        </p>
        {tokenEntries.length > 0 ? (
          <AccessList entries={tokenEntries} revokeAction={revokeTokenFamilyAction} label="Apps and API tokens" />
        ) : (
          <p className="text-sm text-slate-700 dark:text-slate-300">No app or API token has access to your account.</p>
        )}
      </section>
    </div>
  );
}
