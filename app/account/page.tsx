import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { SignOutButton } from "@/components/auth/sign-out-button";
import { signOutAction } from "@/app/_actions/sign-out";
import { getAccountOverview } from "@/server/account/get-account-overview";
import { requireSession } from "@/server/auth/current-session";
import { getDb } from "@/server/db";
import { formatDate } from "@/lib/format-date";

export const metadata: Metadata = { title: "Your account" };

const providerNames: Record<string, string> = { google: "Google", github: "GitHub", local: "Local ID" };

export default async function AccountPage() {
  // The proxy checked too; checking again where the data is read is what actually protects it.
  const session = await requireSession("/account");
  const overview = await getAccountOverview(getDb(), { userId: session.userId, sessionId: session.sessionId });
  if (!overview) redirect("/signin?callbackUrl=%2Faccount");
  const { user, accounts, currentSession } = overview;

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold tracking-tight">Your account</h1>

      <section aria-labelledby="profile" className="space-y-2">
        <h2 id="profile" className="text-lg font-semibold">
          Profile
        </h2>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-slate-500">Name</dt>
          <dd>{user.name ?? "—"}</dd>
          <dt className="text-slate-500">Email</dt>
          <dd className="break-all">{user.email ?? "No verified email"}</dd>
          <dt className="text-slate-500">User id</dt>
          <dd className="break-all font-mono text-xs">{user.id}</dd>
          <dt className="text-slate-500">Member since</dt>
          <dd>{formatDate(user.createdAt)}</dd>
        </dl>
      </section>

      <section aria-labelledby="linked-accounts" className="space-y-2">
        <h2 id="linked-accounts" className="text-lg font-semibold">
          Linked accounts
        </h2>
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
          {accounts.map((account) => (
            <li key={`${account.provider}:${account.providerAccountId}`} className="flex flex-wrap justify-between gap-2 p-3">
              <span className="font-medium">{providerNames[account.provider] ?? account.provider}</span>
              <span className="break-all text-slate-500">
                {account.providerAccountId} · linked {formatDate(account.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="current-session" className="space-y-2">
        <h2 id="current-session" className="text-lg font-semibold">
          This session
        </h2>
        {currentSession ? (
          <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">Started</dt>
            <dd>{formatDate(currentSession.createdAt)}</dd>
            <dt className="text-slate-500">Expires</dt>
            <dd>{formatDate(currentSession.expiresAt)} at the latest</dd>
          </dl>
        ) : (
          <p className="text-sm">This session could not be found.</p>
        )}
        <p className="text-sm">
          <Link href="/account/security" className="font-medium underline">
            Devices &amp; access
          </Link>{" "}
          lists every device signed in to your account and lets you sign them out.
        </p>
      </section>

      <SignOutButton action={signOutAction} variant="primary" />
    </div>
  );
}
