import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { AccessList, type AccessEntry } from "@/components/security/access-list";
import { Button } from "@/components/ui/button";
import { parseId } from "@/lib/record-id";
import { getUserForAdmin } from "@/server/admin/get-user-for-admin";
import { requireAdmin } from "@/server/auth/require-admin";

import { adminRevokeAllAction, adminRevokeSessionAction } from "../../actions";

export const metadata: Metadata = { title: "User · Admin" };

export default async function AdminUserPage({ params }: { params: Promise<{ id: string }> }) {
  const admin = await requireAdmin("/admin");
  const id = parseId((await params).id);
  const found = id ? await getUserForAdmin(id) : null;
  if (!found) notFound();
  const { user, sessions } = found;
  const entries: AccessEntry[] = sessions.map((session) => ({ kind: "browser-session", ...session, current: session.id === admin.sessionId }));

  return (
    <div className="space-y-6">
      <Link href="/admin" className="text-sm underline">
        All users
      </Link>
      <h1 className="break-all text-2xl font-bold tracking-tight">{user.email ?? user.name ?? user.id}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {user.name ?? "No name"} · role {user.role} ·{" "}
        <Link href={`/admin/audit?user=${user.id}`} className="underline">
          audit events
        </Link>
      </p>
      <h2 className="text-lg font-semibold">Active sessions</h2>
      {entries.length > 0 ? (
        <AccessList entries={entries} revokeAction={adminRevokeSessionAction} hiddenFields={{ userId: user.id }} />
      ) : (
        <p className="text-sm">No active sessions.</p>
      )}
      <form action={adminRevokeAllAction}>
        <input type="hidden" name="userId" value={user.id} />
        <Button type="submit">Sign this user out everywhere</Button>
      </form>
    </div>
  );
}
