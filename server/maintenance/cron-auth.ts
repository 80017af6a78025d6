import { constantTimeEqual } from "@/server/crypto/constant-time";

/**
 * Whether a request to /api/cron/* carries `Authorization: Bearer <CRON_SECRET>` (how Vercel Cron
 * authenticates), compared in constant time so the secret cannot be guessed byte by byte.
 */
export function isCronRequest(authorization: string | null, cronSecret: string): boolean {
  return constantTimeEqual(authorization ?? "", `Bearer ${cronSecret}`);
}
