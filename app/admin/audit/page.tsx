import type { Metadata } from "next";
import Link from "next/link";

import { Pagination } from "@/components/admin/pagination";
import { Button } from "@/components/ui/button";
import { auditQuerySchema, firstParam } from "@/lib/admin-filters";
import { AUDIT_EVENTS } from "@/lib/audit-events";
import { getServices } from "@/server/services";
import { requireAdmin } from "@/server/auth/require-admin";

export const metadata: Metadata = { title: "Audit log · Admin" };

const PAGE_SIZE = 50;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin("/admin/audit");
  const params = await searchParams;
  const filter = auditQuerySchema.parse({ user: firstParam(params.user), event: firstParam(params.event), page: firstParam(params.page) });
  const { events, total } = await getServices().auditLog.list({ userId: filter.user, event: filter.event, page: filter.page, pageSize: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <Link href="/admin" className="text-sm underline">
        All users
      </Link>
      <h1 className="text-2xl font-bold tracking-tight">Audit log</h1>
      <form className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          User id
          <input name="user" defaultValue={filter.user} className="min-h-11 rounded-md border border-slate-300 px-3 dark:border-slate-700 dark:bg-slate-900" />
        </label>
        <label className="flex flex-col gap-1">
          Event
          <select name="event" defaultValue={filter.event ?? ""} className="min-h-11 rounded-md border border-slate-300 px-3 dark:border-slate-700 dark:bg-slate-900">
            <option value="">All events</option>
            {AUDIT_EVENTS.map((event) => (
              <option key={event} value={event}>
                {event}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </form>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <thead>
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th scope="col" className="p-2">Time (UTC)</th>
              <th scope="col" className="p-2">Event</th>
              <th scope="col" className="p-2">Actor</th>
              <th scope="col" className="p-2">Subject</th>
              <th scope="col" className="p-2">IP</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr key={event.id} className="border-b border-slate-100 align-top dark:border-slate-900">
                <td className="whitespace-nowrap p-2">{event.createdAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                <td className="p-2 font-mono">{event.event}</td>
                <td className="break-all p-2 font-mono text-xs">{event.actorId ?? "—"}</td>
                <td className="break-all p-2 font-mono text-xs">{event.subjectId ?? "—"}</td>
                <td className="p-2">{event.ip ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={filter.page} pageSize={PAGE_SIZE} total={total} basePath="/admin/audit" params={{ user: filter.user, event: filter.event }} />
    </div>
  );
}
