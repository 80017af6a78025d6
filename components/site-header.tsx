import Link from "next/link";

import { SignOutButton } from "@/components/auth/sign-out-button";

/** The site's navigation; `user` is the signed-in person (read by the layout), or null. */
export function SiteHeader({ user, signOutAction }: { user: { name: string | null; email: string | null } | null; signOutAction: () => Promise<void> }) {
  return (
    <header className="border-b border-slate-200 dark:border-slate-800">
      <nav aria-label="Main" className="mx-auto flex w-full max-w-3xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className="text-lg font-semibold">
          Gatehouse
        </Link>
        <Link href="/account" className="text-sm underline-offset-4 hover:underline">
          Account
        </Link>
        <Link href="/account/tokens" className="text-sm underline-offset-4 hover:underline">
          API tokens
        </Link>
        <Link href="/playground" className="text-sm underline-offset-4 hover:underline">
          Token playground
        </Link>
        <div className="ml-auto flex items-center gap-3">
          {user ? (
            <>
              <span className="max-w-[12rem] truncate text-sm text-slate-600 dark:text-slate-400">{user.name ?? user.email}</span>
              <SignOutButton action={signOutAction} />
            </>
          ) : (
            <Link href="/signin" className="text-sm font-medium underline-offset-4 hover:underline">
              Sign in
            </Link>
          )}
        </div>
      </nav>
    </header>
  );
}
