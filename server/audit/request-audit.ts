import "server-only";

import { headers } from "next/headers";
import { after } from "next/server";

import { clientIpFrom } from "@/server/http/client-ip";
import { deferUntilPagesApiResponseSent } from "@/server/http/pages-api-route";
import { currentRequestContext } from "@/server/http/request-context";

import type { AuditEntry, AuditLog } from "./audit-log";

/**
 * The Next.js side of the audit log, handed to the libraries by the composition root: writes run after
 * the response (`after()`), and events carry the IP and user agent of the request that caused them.
 */

/**
 * Runs a write once the response is sent (the API's Pages Router routes queue it in their adapter; the
 * App Router has `after()`); outside a request (scripts, tests), at once, unawaited.
 */
export function scheduleAfterResponse(task: () => Promise<void>): void {
  if (deferUntilPagesApiResponseSent(task)) return;
  try {
    after(task);
  } catch {
    void task();
  }
}

export interface RequestAudit {
  /** Records an event with the IP and user agent of the request context (route handlers, Auth.js). */
  record(entry: AuditEntry): void;
  /** Records an event with the IP and user agent of the request being handled (server actions, pages). */
  recordForRequest(entry: AuditEntry): Promise<void>;
  /** Either of the above, whichever knows the request: for libraries called from both. */
  recordWithClient(entry: AuditEntry): void;
}

export function createRequestAudit(log: AuditLog, trustedProxyHops: number): RequestAudit {
  const record = (entry: AuditEntry) => {
    const context = currentRequestContext();
    log.record({ ip: context?.ip ?? null, userAgent: context?.userAgent ?? null, ...entry });
  };
  const recordForRequest = async (entry: AuditEntry) => {
    const requestHeaders = await headers();
    log.record({ ip: clientIpFrom(requestHeaders, trustedProxyHops), userAgent: requestHeaders.get("user-agent"), ...entry });
  };
  return {
    record,
    recordForRequest,
    recordWithClient: (entry) => void recordForRequest(entry).catch(() => record(entry)),
  };
}
