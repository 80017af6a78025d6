"use server";

import { redirect } from "next/navigation";

import { requireSession } from "@/server/auth/current-session";
import { getServices } from "@/server/services";
import { normalizeUserCode } from "@/server/tokens/device-authorization";

/** "Approve" or "Deny" on /device: decided once, by the signed-in person, then back to /device to say so. */
async function decide(formData: FormData, approve: boolean) {
  const session = await requireSession("/device");
  const userCode = normalizeUserCode(String(formData.get("userCode") ?? ""));
  const decided = userCode ? await getServices().tokens.decideDeviceCode({ userCode, userId: session.userId, approve }) : false;
  redirect(`/device?decided=${decided ? (approve ? "approved" : "denied") : "gone"}`);
}

export async function approveDeviceAction(formData: FormData) {
  await decide(formData, true);
}

export async function denyDeviceAction(formData: FormData) {
  await decide(formData, false);
}
