import type { Redis } from "ioredis";

import type { PrismaClient } from "@/generated/prisma/client";
import type { Sql } from "@/server/database";
import type { RedisClientCache } from "@/server/redis-client-cache";

/**
 * What makes a signed, unexpired access token dead anyway: its `jti` on the denylist (its refresh token,
 * family or session was revoked), or a per-user "valid after" epoch ("sign out everywhere").
 *
 * PostgreSQL holds the truth; Redis holds a copy for the hot path. Entries expire with the tokens they
 * concern, so the list stays as small as the set of live revoked tokens. The copy is trusted only while a
 * shared marker says it is complete:
 *
 * - A sync (at start, after a reconnection, or when the marker is found missing) copies PostgreSQL into
 *   Redis and then sets the marker. A Redis restart or flush loses the marker with the data.
 * - Writes go to Redis *before* PostgreSQL commits: a crash between the two over-denies (harmless), never
 *   under-denies. A Redis write that fails deletes the marker (so every process reads PostgreSQL) and this
 *   process resyncs as soon as Redis answers again. One case remains: a process cut off from Redis while
 *   the others still reach it cannot delete the marker, so until it reconnects and resyncs, the others
 *   do not see the revocations it wrote (PostgreSQL has them; its own checks read PostgreSQL).
 * - Redis must not evict keys (`maxmemory-policy noeviction`, its default): with any other policy the copy
 *   could silently lose entries, so it is never trusted and PostgreSQL answers.
 */
export interface RevocationList {
  /**
   * Denies these access tokens until they expire. With `tx`, the PostgreSQL rows are part of that
   * transaction (a family's revocation and its denylist entries commit together).
   */
  revokeAccessTokens(tokens: ReadonlyArray<{ jti: string; expiresAt: Date }>, tx?: DenylistWriter): Promise<void>;
  /** Refuses every access token of this user issued before `at` (whole seconds, as `iat` is). */
  setTokensValidAfter(userId: string, at: Date): Promise<void>;
  /** Whether a token (by jti, subject and issue time in seconds) has been revoked. */
  isRevoked(token: { jti: string; userId: string | null; iat: number }): Promise<boolean>;
}

/** What a denylist write needs of a Prisma client or transaction. */
export type DenylistWriter = Pick<PrismaClient, "revokedAccessToken">;

export interface RevocationListOptions {
  db: PrismaClient;
  /** The same database in plain SQL, for the check without Redis (see server/database.ts). */
  sql: Sql;
  redis?: Redis | null;
  /**
   * The check's reads from this process's memory while Redis tracks them (server/redis-client-cache.ts):
   * a revocation anywhere reaches them as Redis's invalidation message, one by this process at once.
   */
  reads?: RedisClientCache | null;
  /** How long a "valid after" epoch matters: no token lives longer than this. */
  maxTokenLifetimeMs: number;
  now?: () => Date;
  onError?: (operation: string, error: unknown) => void;
  /**
   * Whether this process copies PostgreSQL's revocations into Redis when it connects (default true). A
   * short-lived process (the client CLI) only writes its own and leaves the copying to the app's.
   */
  syncOnConnect?: boolean;
}

const JTI_PREFIX = "gatehouse:revoked-jti:";
const EPOCH_PREFIX = "gatehouse:tokens-valid-after:";
/** Set (no expiry) once the copy is complete; absent = read PostgreSQL. */
export const REVOCATIONS_COMPLETE_KEY = "gatehouse:revocations:complete";
/** What a client-side cache in front of the check tracks (server/redis-client-cache.ts). */
export const REVOCATION_KEY_PREFIXES = [JTI_PREFIX, EPOCH_PREFIX, REVOCATIONS_COMPLETE_KEY] as const;
/** How often a process may start a sync on finding the marker missing. */
const SYNC_RETRY_MS = 2_000;
/** How long after a failed Redis write its process resyncs (its PostgreSQL write has committed by then). */
const OWED_SYNC_DELAY_MS = 1_000;

export function createRevocationList({ db, sql, redis, reads = null, maxTokenLifetimeMs, now = () => new Date(), onError = () => {}, syncOnConnect = true }: RevocationListOptions): RevocationList {
  let syncing: Promise<void> | undefined;
  let syncLater: ReturnType<typeof setTimeout> | undefined;
  let lastSyncStart = 0;
  let evictionWarned = false;

  function epochTtl(validAfter: Date, at: Date) {
    return Math.max(1, validAfter.getTime() + maxTokenLifetimeMs - at.getTime());
  }

  async function copyToRedis(client: Redis) {
    const at = now();
    const [revoked, users] = await Promise.all([
      db.revokedAccessToken.findMany({ where: { expiresAt: { gt: at } } }),
      db.user.findMany({
        where: { tokensValidAfter: { gt: new Date(at.getTime() - maxTokenLifetimeMs) } },
        select: { id: true, tokensValidAfter: true },
      }),
    ]);
    const pipeline = client.multi();
    for (const row of revoked) pipeline.set(JTI_PREFIX + row.jti, "1", "PX", Math.max(1, row.expiresAt.getTime() - at.getTime()));
    for (const user of users) pipeline.set(EPOCH_PREFIX + user.id, String(user.tokensValidAfter!.getTime()), "PX", epochTtl(user.tokensValidAfter!, at));
    await pipeline.exec();
  }

  /** Whether Redis keeps every key until it expires (else the copy cannot be trusted). */
  async function redisKeepsKeys(client: Redis): Promise<boolean> {
    try {
      const [, policy] = (await client.config("GET", "maxmemory-policy")) as [string, string];
      if (policy === "noeviction") return true;
      if (!evictionWarned) console.warn(`[tokens] Redis evicts keys (maxmemory-policy ${policy}): the access-token denylist is read from PostgreSQL. Set it to noeviction.`);
      evictionWarned = true;
      return false;
    } catch {
      // Managed Redis often refuses CONFIG; their default policy is noeviction.
      return true;
    }
  }

  async function syncRedis(client: Redis) {
    try {
      if (!(await redisKeepsKeys(client))) return;
      // Writes made meanwhile went to Redis before PostgreSQL, so they are there whatever this reads.
      await copyToRedis(client);
      await client.set(REVOCATIONS_COMPLETE_KEY, String(now().getTime()));
    } catch (error) {
      onError("sync", error);
    }
  }

  /** Starts a sync, at most one at a time and one per SYNC_RETRY_MS (a request finding the mark missing asks often). */
  function startSync() {
    if (!redis || redis.status !== "ready" || syncing || syncLater) return;
    const wait = lastSyncStart + SYNC_RETRY_MS - Date.now();
    if (wait > 0) {
      syncLater = setTimeout(() => {
        syncLater = undefined;
        startSync();
      }, wait);
      syncLater.unref();
      return;
    }
    lastSyncStart = Date.now();
    syncing = syncRedis(redis).finally(() => (syncing = undefined));
  }

  if (redis && syncOnConnect) {
    // After a reconnection: what this process could not write meanwhile is copied over (and the mark of
    // a Redis that restarted empty is set again).
    redis.on("ready", () => startSync());
    startSync();
  }

  /**
   * Redis first (see above). On failure everyone falls back to PostgreSQL, and this process resyncs a
   * moment later, once its PostgreSQL write (perhaps inside the caller's transaction) has committed: a
   * sync another process was running may have set the marker again without this entry.
   */
  async function writeToRedis(operation: string, keys: string[], write: (client: Redis) => Promise<unknown>) {
    if (!redis) return;
    try {
      if (redis.status !== "ready") throw new Error(`Redis is ${redis.status}`);
      await write(redis);
      reads?.forget(keys);
    } catch (error) {
      onError(operation, error);
      await redis.del(REVOCATIONS_COMPLETE_KEY).catch(() => {});
      reads?.forget([...keys, REVOCATIONS_COMPLETE_KEY]);
      setTimeout(() => {
        lastSyncStart = 0;
        startSync();
      }, OWED_SYNC_DELAY_MS).unref();
    }
  }

  return {
    async revokeAccessTokens(tokens, tx = db) {
      const at = now();
      const live = tokens.filter((token) => token.expiresAt > at);
      if (live.length === 0) return;
      await writeToRedis("revoke", live.map((token) => JTI_PREFIX + token.jti), async (client) => {
        const pipeline = client.multi();
        for (const token of live) pipeline.set(JTI_PREFIX + token.jti, "1", "PX", token.expiresAt.getTime() - at.getTime());
        await pipeline.exec();
      });
      await tx.revokedAccessToken.createMany({ data: live.map(({ jti, expiresAt }) => ({ jti, expiresAt })), skipDuplicates: true });
    },

    async setTokensValidAfter(userId, at) {
      const seconds = new Date(Math.floor(at.getTime() / 1000) * 1000);
      await writeToRedis("epoch", [EPOCH_PREFIX + userId], (client) => client.set(EPOCH_PREFIX + userId, String(seconds.getTime()), "PX", epochTtl(seconds, now())));
      await db.user.update({ where: { id: userId }, data: { tokensValidAfter: seconds } });
    },

    async isRevoked({ jti, userId, iat }) {
      if (redis?.status === "ready") {
        try {
          const keys = [REVOCATIONS_COMPLETE_KEY, JTI_PREFIX + jti, EPOCH_PREFIX + (userId ?? "-")];
          const [complete, denied, epoch] = reads ? await reads.mget(keys) : await redis.mget(...keys);
          if (complete !== null) return denied !== null || (userId !== null && epoch !== null && iat * 1000 < Number(epoch));
          startSync();
        } catch (error) {
          onError("check", error);
        }
      }
      // One round trip for both checks (this runs on every API call when Redis cannot answer).
      const [row] = await sql.query<{ denied: boolean; validAfter: Date | null }>(
        `SELECT EXISTS (SELECT 1 FROM "RevokedAccessToken" WHERE "jti" = $1) AS "denied",
                (SELECT "tokensValidAfter" FROM "User" WHERE "id" = $2) AS "validAfter"`,
        [jti, userId],
      );
      return Boolean(row?.denied) || (row?.validAfter != null && iat * 1000 < row.validAfter.getTime());
    },
  };
}
