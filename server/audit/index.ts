import "server-only";

import { headers } from "next/headers";
import { after } from "next/server";

import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { clientIpFrom } from "@/server/http/client-ip";
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

/** Records an event with the IP and user agent of the request context (set by the /api/auth handler). */
export function recordAuditEvent(entry: AuditEntry) {
  const context = currentRequestContext();
  getAuditLog().record({ ip: context?.ip ?? null, userAgent: context?.userAgent ?? null, ...entry });
}

/** Records an event with the IP and user agent of the request being handled (server actions, pages). */
export async function recordAuditEventForRequest(entry: AuditEntry) {
  const requestHeaders = await headers();
  getAuditLog().record({
    ip: clientIpFrom(requestHeaders, getEnv().trustedProxyHops),
    userAgent: requestHeaders.get("user-agent"),
    ...entry,
  });
}
