import type { Redis } from "ioredis";

import type { PrismaClient } from "@/generated/prisma/client";

/**
 * What makes a signed, unexpired access token dead anyway: its `jti` on the denylist (its refresh token,
 * family or session was revoked), or a per-user "valid after" epoch ("sign out everywhere").
 *
 * PostgreSQL holds the truth; Redis holds a copy for the hot path. Entries expire with the tokens they
 * concern, so the list stays as small as the set of live revoked tokens. When Redis is unreachable the
 * check reads PostgreSQL; after an outage (or a restart that lost its data) the copy is rebuilt from
 * PostgreSQL before Redis is trusted again, so an outage never lifts a revocation.
 */
export interface RevocationList {
  /** Denies these access tokens until they expire. */
  revokeAccessTokens(tokens: ReadonlyArray<{ jti: string; expiresAt: Date }>): Promise<void>;
  /** Refuses every access token of this user issued before `at` (whole seconds, as `iat` is). */
  setTokensValidAfter(userId: string, at: Date): Promise<void>;
  /** Whether a token (by jti, subject and issue time in seconds) has been revoked. */
  isRevoked(token: { jti: string; userId: string | null; iat: number }): Promise<boolean>;
}

export interface RevocationListOptions {
  db: PrismaClient;
  redis?: Redis | null;
  /** How long a "valid after" epoch matters: no token lives longer than this. */
  maxTokenLifetimeMs: number;
  now?: () => Date;
  onError?: (operation: string, error: unknown) => void;
}

const JTI_PREFIX = "gatehouse:revoked-jti:";
const EPOCH_PREFIX = "gatehouse:tokens-valid-after:";

export function createRevocationList({ db, redis, maxTokenLifetimeMs, now = () => new Date(), onError = () => {} }: RevocationListOptions): RevocationList {
  // Redis is trusted only once its copy is known complete: false until the first sync, and again from
  // any failed write or lost connection until the next sync.
  let redisInSync = false;
  let syncing: Promise<void> | undefined;
  // A write to PostgreSQL that Redis missed while a sync was reading: the sync must go round again.
  let missedWrites = false;

  async function syncRedis() {
    if (!redis) return;
    try {
      do {
        missedWrites = false;
        await copyToRedis(redis);
      } while (missedWrites);
      redisInSync = true;
    } catch (error) {
      onError("sync", error);
    }
  }

  async function copyToRedis(redis: Redis) {
    const at = now();
    const [revoked, users] = await Promise.all([
      db.revokedAccessToken.findMany({ where: { expiresAt: { gt: at } } }),
      db.user.findMany({
        where: { tokensValidAfter: { gt: new Date(at.getTime() - maxTokenLifetimeMs) } },
        select: { id: true, tokensValidAfter: true },
      }),
    ]);
    const pipeline = redis.multi();
    for (const row of revoked) pipeline.set(JTI_PREFIX + row.jti, "1", "PX", Math.max(1, row.expiresAt.getTime() - at.getTime()));
    for (const user of users) pipeline.set(EPOCH_PREFIX + user.id, String(user.tokensValidAfter!.getTime()), "PX", epochTtl(user.tokensValidAfter!, at));
    await pipeline.exec();
  }

  function epochTtl(validAfter: Date, at: Date) {
    return Math.max(1, validAfter.getTime() + maxTokenLifetimeMs - at.getTime());
  }

  function startSync() {
    syncing ??= syncRedis().finally(() => (syncing = undefined));
    return syncing;
  }

  if (redis) {
    redis.on("close", () => (redisInSync = false));
    redis.on("ready", () => void startSync());
    if (redis.status === "ready") void startSync();
  }

  async function writeToRedis(operation: string, write: (redis: Redis) => Promise<unknown>) {
    if (!redis) return;
    if (!redisInSync) {
      missedWrites = true;
      if (redis.status === "ready") void startSync();
      return;
    }
    try {
      await write(redis);
    } catch (error) {
      // The copy is now incomplete: stop trusting it until a sync has rebuilt it.
      redisInSync = false;
      onError(operation, error);
      if (redis.status === "ready") void startSync();
    }
  }

  return {
    async revokeAccessTokens(tokens) {
      const at = now();
      const live = tokens.filter((token) => token.expiresAt > at);
      if (live.length === 0) return;
      await db.revokedAccessToken.createMany({ data: live.map(({ jti, expiresAt }) => ({ jti, expiresAt })), skipDuplicates: true });
      await writeToRedis("revoke", async (client) => {
        const pipeline = client.multi();
        for (const token of live) pipeline.set(JTI_PREFIX + token.jti, "1", "PX", token.expiresAt.getTime() - at.getTime());
        await pipeline.exec();
      });
    },

    async setTokensValidAfter(userId, at) {
      const seconds = new Date(Math.floor(at.getTime() / 1000) * 1000);
      await db.user.update({ where: { id: userId }, data: { tokensValidAfter: seconds } });
      await writeToRedis("epoch", (client) => client.set(EPOCH_PREFIX + userId, String(seconds.getTime()), "PX", epochTtl(seconds, now())));
    },

    async isRevoked({ jti, userId, iat }) {
      if (redis && redisInSync && redis.status === "ready") {
        try {
          const [denied, epoch] = userId ? await redis.mget(JTI_PREFIX + jti, EPOCH_PREFIX + userId) : [await redis.get(JTI_PREFIX + jti), null];
          return denied !== null || (epoch !== null && iat * 1000 < Number(epoch));
        } catch (error) {
          onError("check", error);
        }
      }
      // One round trip for both checks (this runs on every API call when Redis is absent).
      const [row] = await db.$queryRaw<Array<{ denied: boolean; validAfter: Date | null }>>`
        SELECT EXISTS (SELECT 1 FROM "RevokedAccessToken" WHERE "jti" = ${jti}) AS "denied",
               (SELECT "tokensValidAfter" FROM "User" WHERE "id" = ${userId}) AS "validAfter"`;
      return Boolean(row?.denied) || (row?.validAfter != null && iat * 1000 < row.validAfter.getTime());
    },
  };
}
