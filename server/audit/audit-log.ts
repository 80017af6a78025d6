import type { PrismaClient } from "@/generated/prisma/client";

import type { AuditEventName } from "@/lib/audit-events";

export interface AuditEntry {
  event: AuditEventName;
  actorId?: string | null;
  subjectId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, string | number | boolean | null | string[]>;
}

/**
 * The audit log. `record` never blocks or fails the request it records: the write is handed to
 * `schedule` (Next's `after()` in the app: it runs once the response is sent) and a failed write is
 * logged, not thrown.
 */
export function createAuditLog({
  db,
  schedule = (task) => void task(),
  onError = (error) => console.error("[audit] could not record an event:", error instanceof Error ? error.message : error),
}: {
  db: PrismaClient;
  schedule?: (task: () => Promise<void>) => void;
  onError?: (error: unknown) => void;
}) {
  async function write(entry: AuditEntry) {
    try {
      await db.auditEvent.create({
        data: {
          event: entry.event,
          actorId: entry.actorId ?? null,
          subjectId: entry.subjectId ?? null,
          ip: entry.ip ?? null,
          userAgent: entry.userAgent?.slice(0, 512) ?? null,
          details: entry.details,
        },
      });
    } catch (error) {
      onError(error);
    }
  }

  return {
    record(entry: AuditEntry): void {
      try {
        schedule(() => write(entry));
      } catch (error) {
        onError(error);
      }
    },

    /** A page of events, newest first, optionally for one user (as actor or subject) and one event. */
    async list(filter: { userId?: string; event?: AuditEventName; page: number; pageSize: number }) {
      const where = {
        ...(filter.userId ? { OR: [{ actorId: filter.userId }, { subjectId: filter.userId }] } : {}),
        ...(filter.event ? { event: filter.event } : {}),
      };
      const [events, total] = await Promise.all([
        db.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: (filter.page - 1) * filter.pageSize, take: filter.pageSize }),
        db.auditEvent.count({ where }),
      ]);
      return { events, total };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
