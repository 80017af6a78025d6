import type { Metadata } from "next";
import Link from "next/link";

import { Pagination } from "@/components/admin/pagination";
import { Button } from "@/components/ui/button";
import { adminUsersQuerySchema, firstParam } from "@/lib/admin-filters";
import { listUsers } from "@/server/admin/list-users";
import { requireAdmin } from "@/server/auth/require-admin";
import { getDb } from "@/server/db";

export const metadata: Metadata = { title: "Admin" };

const PAGE_SIZE = 20;

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin");
  const params = await searchParams;
  const { q, page } = adminUsersQuerySchema.parse({ q: firstParam(params.q), page: firstParam(params.page) });
  const { users, total } = await listUsers(getDb(), { query: q, page, pageSize: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold tracking-tight">Users</h1>
        <span className="flex gap-4">
          <Link href="/admin/clients" className="text-sm font-medium underline">
            Clients
          </Link>
          <Link href="/admin/audit" className="text-sm font-medium underline">
            Audit log
          </Link>
        </span>
      </div>
      <form role="search" className="flex gap-2">
        <label htmlFor="q" className="sr-only">
          Search by email or name
        </label>
        <input id="q" name="q" defaultValue={q} placeholder="Search by email or name" className="min-h-11 w-full rounded-md border border-slate-300 px-3 dark:border-slate-700 dark:bg-slate-900" />
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <ul aria-label="Users" className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
        {users.map((user) => (
          <li key={user.id} className="flex flex-wrap items-center justify-between gap-2 p-3">
            <Link href={`/admin/users/${user.id}`} className="min-w-0 font-medium underline">
              <span className="break-all">{user.email ?? user.name ?? user.id}</span>
            </Link>
            <span className="text-slate-600 dark:text-slate-400">
              {user.role} · {user.activeSessions} active {user.activeSessions === 1 ? "session" : "sessions"}
            </span>
          </li>
        ))}
      </ul>
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} basePath="/admin" params={{ q }} />
    </div>
  );
}
