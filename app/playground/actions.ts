"use server";

import { z } from "zod";

import type { PlaygroundFamily, StartPlaygroundResult } from "@/components/playground/playground-types";
import { requireSession } from "@/server/auth/current-session";
import { describePlaygroundFamily, startPlaygroundFamily } from "@/server/playground/playground-family";

// Family ids are cuids; anything else is refused before it reaches the database.
const familyIdSchema = z.string().trim().min(1).max(64).regex(/^[a-z0-9]+$/);
const startPlaygroundSchema = familyIdSchema.nullable();

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
    console.error("[playground] could not issue a token pair:", error instanceof Error ? error.message : error);
    return { ok: false, message: "The token pair could not be issued. Please try again." };
  }
}

/** The family's current state and chain, for the page to redraw after each rotation or replay; null if not the caller's. */
export async function describePlaygroundFamilyAction(familyId: string): Promise<PlaygroundFamily | null> {
  const session = await requireSession("/playground");
  const parsed = familyIdSchema.safeParse(familyId);
  if (!parsed.success) return null;
  return describePlaygroundFamily(session.userId, parsed.data);
}
