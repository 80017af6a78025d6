import type { PrismaClient } from "@/generated/prisma/client";

export type Role = "user" | "admin";

/** ADMIN_EMAILS decides: an address on the list is an admin, any other is a user. */
export function roleForEmail(email: string | null | undefined, adminEmails: readonly string[]): Role {
  return email && adminEmails.includes(email.toLowerCase()) ? "admin" : "user";
}

/**
 * Brings a user's role in line with ADMIN_EMAILS (at each sign-in, so adding or removing an address
 * takes effect the next time that person signs in).
 * @returns the change, or `null` when the role was already right.
 */
export async function syncRole(db: PrismaClient, userId: string, adminEmails: readonly string[]): Promise<{ from: Role; to: Role } | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, role: true } });
  if (!user) return null;
  const role = roleForEmail(user.email, adminEmails);
  if (role === user.role) return null;
  await db.user.update({ where: { id: userId }, data: { role } });
  return { from: user.role, to: role };
}
