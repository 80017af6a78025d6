"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";

import { SESSION_COOKIE_NAMES, sessionCookieOptions } from "@/lib/session-cookie";
import { recordAuditEventForRequest } from "@/server/audit";
import { requireSession } from "@/server/auth/current-session";
import { signOutEverywhere } from "@/server/account/sign-out-everywhere";
import { getSessionService } from "@/server/sessions";
import { getTokenService } from "@/server/tokens";

const revokeFormSchema = z.object({ sessionId: z.string().trim().min(1).max(64).regex(/^[a-z0-9]+$/) });
const revokeFamilyFormSchema = z.object({ familyId: z.string().trim().min(1).max(64).regex(/^[a-z0-9]+$/) });

async function clearSessionCookie() {
  const cookieStore = await cookies();
  // A prefixed cookie is only replaced by a Secure one with Path=/; a bare delete would leave it in place.
  for (const name of SESSION_COOKIE_NAMES) cookieStore.set(name, "", sessionCookieOptions(name.startsWith("__"), new Date(0)));
}

/** "Sign out this device": ends one of the person's own sessions (ids of others' sessions do nothing). */
export async function revokeSessionAction(formData: FormData) {
  const session = await requireSession("/account/security");
  const parsed = revokeFormSchema.safeParse({ sessionId: formData.get("sessionId") });
  if (!parsed.success) return;
  const revoked = await getSessionService().revoke(session.userId, [parsed.data.sessionId]);
  if (revoked.length > 0) {
    await recordAuditEventForRequest({ event: "session_revoked", actorId: session.userId, subjectId: session.userId, details: { sessionIds: revoked } });
  }
  if (parsed.data.sessionId === session.sessionId) {
    await clearSessionCookie();
    redirect("/signin");
  }
  revalidatePath("/account/security");
}

/**
 * "Revoke" on an app, a personal token or the playground: its refresh tokens stop working and its live
 * access tokens are denied at once. Scoped to the person, so another person's family id does nothing; the
 * token service records `token_family_revoked` itself.
 */
export async function revokeTokenFamilyAction(formData: FormData) {
  const session = await requireSession("/account/security");
  const parsed = revokeFamilyFormSchema.safeParse({ familyId: formData.get("familyId") });
  if (!parsed.success) return;
  await getTokenService().revokeUserFamily(session.userId, parsed.data.familyId);
  revalidatePath("/account/security");
}

/** "Sign out all other devices": every session of the person but this one. */
export async function revokeOtherSessionsAction() {
  const session = await requireSession("/account/security");
  const revoked = await getSessionService().revokeAll(session.userId, session.sessionId);
  if (revoked.length > 0) {
    await recordAuditEventForRequest({ event: "session_revoked", actorId: session.userId, subjectId: session.userId, details: { sessionIds: revoked } });
  }
  revalidatePath("/account/security");
}

/** "Sign out everywhere": every session, this one included. */
export async function revokeAllSessionsAction() {
  const session = await requireSession("/account/security");
  const revoked = await signOutEverywhere(session.userId, session.userId);
  await recordAuditEventForRequest({ event: "sign_out_everywhere", actorId: session.userId, subjectId: session.userId, details: { sessionIds: revoked } });
  await clearSessionCookie();
  redirect("/signin");
}
