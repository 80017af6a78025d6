import type { PrismaClient } from "@/generated/prisma/client";

/**
 * A database client on which the first `parties` reads of an authorization code (the exchange's
 * `authorizationCode.findUnique`, outside any transaction) wait for one another before returning. Every
 * exchange has then seen the code unused before any of them tries to claim it, so the claim (a
 * conditional update under the row lock) is all that stands between them and a second token pair.
 * Without it, one exchange can finish before the other reads the row, and the second is refused by the
 * `usedAt` check instead: the race would only be tried when the scheduler happens to interleave them.
 *
 * Later reads (the loser looking up the winner's family) pass straight through. A party that never
 * arrives fails the wait after `timeoutMs`, instead of hanging the test.
 */
export function withCodeReadBarrier(db: PrismaClient, parties: number, timeoutMs = 10_000) {
  let arrived = 0;
  let open!: () => void;
  const allArrived = new Promise<void>((resolve) => (open = resolve));

  async function meet() {
    arrived += 1;
    if (arrived === parties) open();
    if (arrived > parties) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`code-read barrier: ${arrived} of ${parties} reads arrived in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([allArrived, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  const codes = new Proxy(db.authorizationCode, {
    get(target, property, receiver) {
      if (property !== "findUnique") return Reflect.get(target, property, receiver);
      return async (args: Parameters<PrismaClient["authorizationCode"]["findUnique"]>[0]) => {
        const row = await target.findUnique(args);
        await meet();
        return row;
      };
    },
  });
  const client = new Proxy(db, {
    get(target, property) {
      if (property === "authorizationCode") return codes;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    db: client,
    /** How many code reads have reached the barrier so far. */
    arrivals: () => arrived,
  };
}
