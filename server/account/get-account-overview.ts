import type { PrismaClient } from "@/generated/prisma/client";

/**
 * What /account shows: the user, the identities linked to them, and the session making this request.
 * Every query is scoped by `userId`, so a token that belongs to someone else finds nothing.
 */
export async function getAccountOverview(db: PrismaClient, input: { userId: string; sessionToken: string | undefined }) {
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
    input.sessionToken
      ? db.session.findFirst({
          where: { sessionToken: input.sessionToken, userId: input.userId },
          select: { createdAt: true, expires: true },
        })
      : null,
  ]);
  return user ? { user, accounts, currentSession } : null;
}

export type AccountOverview = NonNullable<Awaited<ReturnType<typeof getAccountOverview>>>;
