import type { PrismaClient } from "@/generated/prisma/client";

/** A page of users for /admin, newest first, optionally filtered by email or name, with live session counts. */
export async function listUsers(db: PrismaClient, filter: { query?: string; page: number; pageSize: number }, now = new Date()) {
  const where = filter.query
    ? { OR: [{ email: { contains: filter.query, mode: "insensitive" as const } }, { name: { contains: filter.query, mode: "insensitive" as const } }] }
    : {};
  const [users, total] = await Promise.all([
    db.user.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (filter.page - 1) * filter.pageSize,
      take: filter.pageSize,
      select: {
        id: true,
        name: true,
        email: true,
        role: true,
        createdAt: true,
        _count: { select: { sessions: { where: { expiresAt: { gt: now } } } } },
      },
    }),
    db.user.count({ where }),
  ]);
  return { users: users.map(({ _count, ...user }) => ({ ...user, activeSessions: _count.sessions })), total };
}
