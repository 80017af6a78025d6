import "server-only";

import { getDb } from "@/server/db";
import { getSessionService } from "@/server/services";

/**
 * One user as /admin/users/[id] shows it: who they are, and their live browser sessions.
 * @returns null for an id that names nobody.
 */
export async function getUserForAdmin(userId: string) {
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true, role: true, createdAt: true } });
  if (!user) return null;
  return { user, sessions: await getSessionService().list(user.id) };
}
