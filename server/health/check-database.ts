import type { PrismaClient } from "@/generated/prisma/client";

export type DatabaseStatus = { status: "up"; latencyMs: number } | { status: "down" };

/**
 * Whether the database answers a trivial query within `timeoutMs`. Never throws: the caller turns
 * "down" into a 503. The reason is logged on the server, not returned, so the endpoint leaks nothing.
 */
export async function checkDatabase(db: PrismaClient, timeoutMs = 2_000, now = () => performance.now()): Promise<DatabaseStatus> {
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.$queryRaw`SELECT 1`, timeout]);
    return { status: "up", latencyMs: Math.round(now() - started) };
  } catch (error) {
    console.error("[health] database check failed:", error instanceof Error ? error.message : error);
    return { status: "down" };
  } finally {
    clearTimeout(timer);
  }
}
