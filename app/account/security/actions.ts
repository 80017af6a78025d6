"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";

import { parseId } from "@/lib/record-id";
import { SESSION_COOKIE_NAMES, sessionCookieOptions } from "@/lib/session-cookie";
import { endOtherSessions, endSessions, signOutEverywhere } from "@/server/account/end-sessions";
import { requireSession } from "@/server/auth/current-session";
import { getTokenService } from "@/server/services";
import { actionForm } from "@/server/http/action-form";

const PAGE = "/account/security";

async function clearSessionCookie() {
  const cookieStore = await cookies();
  // A prefixed cookie is only replaced by a Secure one with Path=/; a bare delete would leave it in place.
  for (const name of SESSION_COOKIE_NAMES) cookieStore.set(name, "", sessionCookieOptions(name.startsWith("__"), new Date(0)));
}

/** "Sign out this device": ends one of the person's own sessions (ids of others' sessions do nothing). */
export async function revokeSessionAction(formData: FormData) {
  const form = actionForm(formData);
  const session = await requireSession(PAGE);
  const sessionId = parseId(form.get("sessionId"));
  if (!sessionId) return;
  await endSessions({ actorId: session.userId, userId: session.userId, sessionIds: [sessionId] });
  if (sessionId === session.sessionId) {
    await clearSessionCookie();
    redirect("/signin");
  }
  revalidatePath(PAGE);
}

/**
 * "Revoke" on an app, a personal token or the playground: its refresh tokens stop working and its live
 * access tokens are denied at once. Scoped to the person, so another person's family id does nothing; the
 * token service records `token_family_revoked` itself.
 */
export async function revokeTokenFamilyAction(formData: FormData) {
  const form = actionForm(formData);
  const session = await requireSession(PAGE);
  const familyId = parseId(form.get("familyId"));
  if (!familyId) return;
  await getTokenService().revokeUserFamily(session.userId, familyId);
  revalidatePath(PAGE);
}

/** "Sign out all other devices": every session of the person but this one. */
export async function revokeOtherSessionsAction() {
  const session = await requireSession(PAGE);
  await endOtherSessions({ userId: session.userId, keepSessionId: session.sessionId });
  revalidatePath(PAGE);
}

/** "Sign out everywhere": every session, this one included. */
export async function revokeAllSessionsAction() {
  const session = await requireSession(PAGE);
  await signOutEverywhere({ actorId: session.userId, userId: session.userId });
  await clearSessionCookie();
  redirect("/signin");
}
