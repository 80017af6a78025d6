import type { Sql } from "@/server/database";

/**
 * A plain-SQL client on which the first `parties` reads of an authorization code (the exchange's
 * `findAuthorizationCode`, outside any transaction) wait for one another before returning. Every
 * exchange has then seen the code unused before any of them tries to claim it, so the claim (a
 * conditional update under the row lock) is all that stands between them and a second token pair.
 * Without it, one exchange can finish before the other reads the row, and the second is refused by the
 * `usedAt` check instead: the race would only be tried when the scheduler happens to interleave them.
 *
 * Later reads (the loser looking up the winner's family) pass straight through. A party that never
 * arrives fails the wait after `timeoutMs`, instead of hanging the test.
 */
/** The exchange's read of a code (server/tokens/code-redemption.ts), told from its claim. */
const CODE_READ = /^\s*SELECT\b[\s\S]*\bFROM "AuthorizationCode" c\b/;

export function withCodeReadBarrier(sql: Sql, parties: number, timeoutMs = 10_000) {
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

  const client: Sql = {
    async query<Row>(text: string, values?: readonly unknown[]) {
      const rows = await sql.query<Row>(text, values);
      if (CODE_READ.test(text)) await meet();
      return rows;
    },
  };
  return {
    sql: client,
    /** How many code reads have reached the barrier so far. */
    arrivals: () => arrived,
  };
}
