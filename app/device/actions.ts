"use server";

import { redirect } from "next/navigation";

import type { DeviceLookupState } from "@/lib/device-lookup-state";
import { requireSession } from "@/server/auth/current-session";
import { lookUpDeviceCode } from "@/server/device/device-approval";
import { getServices } from "@/server/services";
import { actionForm } from "@/server/http/action-form";

/**
 * "Continue": the typed code is looked up (a POST: a link or another site cannot make a person's
 * browser spend their attempts), counted against the session, the person and the IP.
 */
export async function lookUpDeviceCodeAction(_previous: DeviceLookupState, formData: FormData): Promise<DeviceLookupState> {
  const form = actionForm(formData);
  const session = await requireSession("/device");
  // Given back with the answer, so the field keeps what was typed (React resets a form after its action).
  const typed = String(form.get("userCode") ?? "").slice(0, 32);
  const lookup = await lookUpDeviceCode(session, typed);
  if (lookup.outcome !== "found") return { ...lookup, typed };
  const { id, client, scopes, createdAt } = lookup.request;
  const minutesAgo = Math.max(0, Math.round((Date.now() - createdAt.getTime()) / 60_000));
  return { outcome: "found", userCode: lookup.userCode, request: { id, client: { name: client.name, verified: client.verified }, scopes, minutesAgo } };
}

/**
 * "Approve" or "Deny": decided once, by the signed-in person, on the request they were shown. The code is
 * looked up again through the same limits (a decision is never a free guess) and must name that request.
 */
async function decide(formData: FormData, approve: boolean) {
  const form = actionForm(formData);
  const session = await requireSession("/device");
  const lookup = await lookUpDeviceCode(session, String(form.get("userCode") ?? "").slice(0, 64));
  const shownId = String(form.get("deviceCodeId") ?? "");
  const decided =
    lookup.outcome === "found" && lookup.request.id === shownId
      ? await getServices().tokens.decideDeviceCode({ deviceCodeId: shownId, userCode: lookup.userCode, userId: session.userId, approve })
      : false;
  redirect(`/device?decided=${decided ? (approve ? "approved" : "denied") : "gone"}`);
}

export async function approveDeviceAction(formData: FormData) {
  await decide(formData, true);
}

export async function denyDeviceAction(formData: FormData) {
  await decide(formData, false);
}
