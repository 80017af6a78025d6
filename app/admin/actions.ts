"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { recordIdSchema } from "@/lib/record-id";
import { endSessions, signOutEverywhere } from "@/server/account/end-sessions";
import { requireAdmin } from "@/server/auth/require-admin";
import { actionForm } from "@/server/http/action-form";

const revokeSessionSchema = z.object({ userId: recordIdSchema, sessionId: recordIdSchema });
const revokeAllSchema = z.object({ userId: recordIdSchema });

/** An admin ends one session of a user. */
export async function adminRevokeSessionAction(formData: FormData) {
  const form = actionForm(formData);
  const admin = await requireAdmin("/admin");
  const parsed = revokeSessionSchema.safeParse({ userId: form.get("userId"), sessionId: form.get("sessionId") });
  if (!parsed.success) return;
  await endSessions({ actorId: admin.userId, userId: parsed.data.userId, sessionIds: [parsed.data.sessionId] });
  revalidatePath(`/admin/users/${parsed.data.userId}`);
}

/** An admin ends every session of a user. */
export async function adminRevokeAllAction(formData: FormData) {
  const form = actionForm(formData);
  const admin = await requireAdmin("/admin");
  const parsed = revokeAllSchema.safeParse({ userId: form.get("userId") });
  if (!parsed.success) return;
  await signOutEverywhere({ actorId: admin.userId, userId: parsed.data.userId });
  revalidatePath(`/admin/users/${parsed.data.userId}`);
}
