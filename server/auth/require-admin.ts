import "server-only";

import { forbidden } from "next/navigation";

import { requireSession } from "@/server/auth/current-session";

/** The session of an admin; a signed-out visitor goes to /signin, a signed-in non-admin gets 403. */
export async function requireAdmin(returnTo: string) {
  const session = await requireSession(returnTo);
  if (session.user.role !== "admin") forbidden();
  return session;
}
