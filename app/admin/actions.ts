"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { recordAuditEventForRequest } from "@/server/audit";
import { requireAdmin } from "@/server/auth/require-admin";
import { signOutEverywhere } from "@/server/account/sign-out-everywhere";
import { getSessionService } from "@/server/sessions";

const id = z.string().trim().min(1).max(64).regex(/^[a-z0-9]+$/);
const revokeSessionSchema = z.object({ userId: id, sessionId: id });
const revokeAllSchema = z.object({ userId: id });

/** An admin ends one session of a user. */
export async function adminRevokeSessionAction(formData: FormData) {
  const admin = await requireAdmin("/admin");
  const parsed = revokeSessionSchema.safeParse({ userId: formData.get("userId"), sessionId: formData.get("sessionId") });
  if (!parsed.success) return;
  const revoked = await getSessionService().revoke(parsed.data.userId, [parsed.data.sessionId]);
  if (revoked.length > 0) {
    await recordAuditEventForRequest({ event: "session_revoked", actorId: admin.userId, subjectId: parsed.data.userId, details: { sessionIds: revoked } });
  }
  revalidatePath(`/admin/users/${parsed.data.userId}`);
}

/** An admin ends every session of a user. */
export async function adminRevokeAllAction(formData: FormData) {
  const admin = await requireAdmin("/admin");
  const parsed = revokeAllSchema.safeParse({ userId: formData.get("userId") });
  if (!parsed.success) return;
  const revoked = await signOutEverywhere(parsed.data.userId, admin.userId);
  await recordAuditEventForRequest({ event: "sign_out_everywhere", actorId: admin.userId, subjectId: parsed.data.userId, details: { sessionIds: revoked } });
  revalidatePath(`/admin/users/${parsed.data.userId}`);
}
