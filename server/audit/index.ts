import "server-only";

import { after } from "next/server";

import { getDb } from "@/server/db";
import { currentRequestContext } from "@/server/http/request-context";

import { createAuditLog, type AuditEntry, type AuditLog } from "./audit-log";

const globalForAudit = globalThis as unknown as { gatehouseAudit?: AuditLog };

/** The app's audit log: writes run after the response (`after()`), so they never delay or fail it. */
export function getAuditLog(): AuditLog {
  globalForAudit.gatehouseAudit ??= createAuditLog({
    db: getDb(),
    schedule: (task) => {
      try {
        after(task);
      } catch {
        // Outside a request (scripts, tests): run it now, still without waiting for it.
        void task();
      }
    },
  });
  return globalForAudit.gatehouseAudit;
}

/** Records an event with the current request's IP and user agent. */
export function recordAuditEvent(entry: AuditEntry) {
  const context = currentRequestContext();
  getAuditLog().record({ ip: context?.ip ?? null, userAgent: context?.userAgent ?? null, ...entry });
}
