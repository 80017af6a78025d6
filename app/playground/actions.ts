"use server";

import { redirect } from "next/navigation";

import { parseId, recordIdSchema } from "@/lib/record-id";
import type { PlaygroundFamily, StartPlaygroundResult } from "@/lib/playground-types";
import { requireSession } from "@/server/auth/current-session";
import { pageErrorRedirect } from "@/server/http/page-error";
import { describePlaygroundFamily, startPlaygroundFamily } from "@/server/playground/playground-family";

const startPlaygroundSchema = recordIdSchema.nullable();

/**
 * "Issue a token pair": a refresh-token family bound to this browser session, authenticated by the
 * session cookie (server actions get the proxy's same-origin check, so another site cannot mint one).
 * `replacingFamilyId` is the family the page held until now, revoked so that starting over leaves no
 * stray live family behind.
 */
export async function startPlaygroundAction(replacingFamilyId: string | null): Promise<StartPlaygroundResult> {
  const session = await requireSession("/playground");
  const parsed = startPlaygroundSchema.safeParse(replacingFamilyId);
  if (!parsed.success) return { ok: false, message: "That family id is not valid." };
  try {
    const started = await startPlaygroundFamily({ userId: session.userId, sessionId: session.sessionId, replacingFamilyId: parsed.data ?? undefined });
    return { ok: true, ...started };
  } catch (error) {
    // The session ended while the pair was being written: sign in again, and come back.
    const destination = pageErrorRedirect(error, "/playground");
    if (destination) redirect(destination);
    console.error("[playground] could not issue a token pair:", error instanceof Error ? error.message : error);
    return { ok: false, message: "The token pair could not be issued. Please try again." };
  }
}

/** The family's current state and chain, for the page to redraw after each rotation or replay; null if not the caller's. */
export async function describePlaygroundFamilyAction(familyId: string): Promise<PlaygroundFamily | null> {
  const session = await requireSession("/playground");
  const id = parseId(familyId);
  return id ? describePlaygroundFamily(session.userId, id) : null;
}
