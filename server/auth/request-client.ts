import "server-only";

import { headers } from "next/headers";

import { getEnv } from "@/server/env";
import { clientIpFrom } from "@/server/http/client-ip";

/** The IP and user agent of the request being handled (server actions, pages), for the audit log. */
export async function currentClient(): Promise<{ ip: string | null; userAgent: string | null }> {
  const requestHeaders = await headers();
  return { ip: clientIpFrom(requestHeaders, getEnv().trustProxy), userAgent: requestHeaders.get("user-agent") };
}
