import type { PrismaClient } from "@/generated/prisma/client";

/**
 * What /account shows: the user, the identities linked to them, and the session making this request.
 * Every query is scoped by `userId`, so an id that belongs to someone else finds nothing.
 */
export async function getAccountOverview(db: PrismaClient, input: { userId: string; sessionId: string }) {
  const [user, accounts, currentSession] = await Promise.all([
    db.user.findUnique({
      where: { id: input.userId },
      select: { id: true, name: true, email: true, image: true, createdAt: true },
    }),
    db.account.findMany({
      where: { userId: input.userId },
      select: { provider: true, providerAccountId: true, createdAt: true },
      orderBy: { createdAt: "asc" },
    }),
    db.session.findFirst({
      where: { id: input.sessionId, userId: input.userId },
      select: { createdAt: true, expiresAt: true },
    }),
  ]);
  return user ? { user, accounts, currentSession } : null;
}

export type AccountOverview = NonNullable<Awaited<ReturnType<typeof getAccountOverview>>>;
