import { performance } from "node:perf_hooks";

import { ReplyError, type Redis } from "ioredis";

import { PendingReads } from "./pending-reads";

/**
 * Reads of Redis keys answered from this process's memory, for as long as Redis promises to say when
 * they change: Redis's server-assisted client-side caching (`CLIENT TRACKING`, Redis 6+,
 * https://redis.io/docs/latest/develop/reference/client-side-caching/), in broadcasting mode.
 *
 * The hot paths (the access-token denylist on every Bearer call, the session cache on every cookie
 * call) read a handful of keys that almost never change. Asking Redis each time is a round trip that
 * costs more than the rest of the request's own work; with this, a repeated read is a Map lookup.
 *
 * How it stays right:
 * - One connection of its own (`subscriber`, RESP2) asks Redis to broadcast every change to a key under
 *   `prefixes` (`CLIENT TRACKING ON REDIRECT <its own id> BCAST PREFIX ...`) and subscribes to
 *   `__redis__:invalidate`. Whoever writes, deletes, expires or evicts such a key, or flushes the
 *   database, Redis sends its name (or, for a flush, none) to every process's subscriber, and the copy
 *   drops it; the next read asks Redis again. A revocation written by any process (or the CLI) is
 *   therefore seen by every process as soon as the message arrives, and by the process that wrote it at
 *   once (`forget`). Broadcasting keeps no per-key table on the server, however many keys are read.
 * - The reads themselves go through the app's connection (`reader`), so a reply can arrive after the
 *   invalidation of what it read (Redis's documentation names this race). A reply is kept only if no
 *   invalidation of its keys, `forget` of them, flush or loss of tracking happened while it was in flight.
 * - Tracking lives and dies with the subscriber's connection. The copy is used only while that
 *   connection has answered a `PING` within the last two heartbeats (`heartbeatMs`); when it closes, or a
 *   heartbeat fails, the copy is emptied, the connection is replaced, and every read asks Redis until
 *   tracking is confirmed again. So a link that breaks silently can serve an old answer for at most two
 *   heartbeats (two seconds by default).
 * - A Redis that refuses any of this (before 6.0, an ACL without CLIENT or pub/sub rights, a managed
 *   service without tracking) is logged once, and every read asks Redis, as if this did not exist.
 *
 * Failures of the reads are thrown as ioredis throws them: the callers fall back to PostgreSQL, as they
 * did when they read Redis directly.
 */
export interface RedisClientCache {
  /**
   * The keys' values (null for a missing key): from the copy when it holds every one, else from Redis
   * (MGET) and then kept. Keys outside the tracked prefixes are read every time.
   */
  mget(keys: readonly string[]): Promise<Array<string | null>>;
  /** Drops keys from the copy now: this process has just written them (Redis's message follows). */
  forget(keys: readonly string[]): void;
  /** Whether reads are being answered from the copy (tracking confirmed). */
  readonly isLive: boolean;
  close(): void;
}

export interface RedisClientCacheOptions {
  /** The connection the reads go through (the app's own). */
  reader: Redis;
  /** A connection of its own for tracking: RESP2 (`protocol: 2`), `autoResubscribe: false`. */
  subscriber: Redis;
  /** The key prefixes kept (Redis refuses two that overlap). */
  prefixes: readonly string[];
  /** Most keys kept (the oldest goes first). */
  maxEntries?: number;
  /** How often tracking is confirmed; the copy is unused once a confirmation is two of these old. */
  heartbeatMs?: number;
  /** A monotonic clock, in milliseconds (a step of the wall clock must not extend the trust). */
  now?: () => number;
  onError?: (operation: string, error: unknown) => void;
}

const INVALIDATION_CHANNEL = "__redis__:invalidate";
const DEFAULT_MAX_ENTRIES = 50_000;
const DEFAULT_HEARTBEAT_MS = 1_000;

export function createRedisClientCache({ reader, subscriber, prefixes, maxEntries = DEFAULT_MAX_ENTRIES, heartbeatMs = DEFAULT_HEARTBEAT_MS, now = () => performance.now(), onError = () => {} }: RedisClientCacheOptions): RedisClientCache {
  /** The copy: a key's value, null for "no such key". */
  const entries = new Map<string, string | null>();
  const pending = new PendingReads();
  /** Bumped whenever tracking is lost or set up again (not by a flush): a heartbeat or set-up across a bump is void. */
  let connection = 0;
  let live = false;
  /** One error line per outage, not one per attempt. */
  let reported = false;
  let confirmedAt = 0;
  let refused = false;
  let closed = false;
  let establishing = false;

  const tracked = (key: string) => prefixes.some((prefix) => key.startsWith(prefix));

  function invalidate(key: string) {
    entries.delete(key);
    pending.spoil(key);
  }

  /** A flush: every key may have changed, but tracking itself is fine. */
  function emptyCopyKeepingLive() {
    entries.clear();
    pending.spoilAll(); // a read in flight across it is not kept
  }

  function emptyCopy() {
    live = false;
    connection += 1;
    emptyCopyKeepingLive();
  }

  /** Tracking is in doubt: empty the copy and start again on a fresh connection. */
  function restart(operation: string, error: unknown) {
    if (!reported) onError(operation, error);
    reported = true;
    emptyCopy();
    if (!closed && !refused) subscriber.disconnect(true);
  }

  /**
   * A refusal that will not change by asking again (no such command, no permission, a Redis too old for
   * a BCAST option). Other error answers (BUSY, LOADING, a failover's READONLY) are retried.
   */
  const isRefusal = (error: unknown) => error instanceof ReplyError && /^(NOPERM|ERR unknown (sub)?command|ERR syntax error|ERR wrong number of arguments|ERR Unrecognized option)/i.test((error as Error).message);

  /** An answer, not a lost connection: this Redis will not do it (it is not retried). */
  function refuse(error: Error) {
    refused = true;
    emptyCopy();
    console.warn(`[redis] Redis refused client-side caching (${error.message}): every read asks Redis. Set REDIS_CLIENT_TRACKING=off to skip the attempt.`);
    subscriber.disconnect();
  }

  /** On each (re)connection: track the prefixes towards this connection itself, subscribe, confirm. */
  async function establish() {
    if (closed || refused || establishing || subscriber.status !== "ready") return;
    establishing = true;
    emptyCopy();
    const attempt = connection;
    try {
      // CLIENT ID and TRACKING before SUBSCRIBE: a subscribed RESP2 connection answers nothing else.
      const id = await subscriber.client("ID");
      await subscriber.client("TRACKING", "ON", "REDIRECT", String(id), "BCAST", ...prefixes.flatMap((prefix) => ["PREFIX", prefix]));
      await subscriber.subscribe(INVALIDATION_CHANNEL);
      const sentAt = now();
      await subscriber.ping();
      if (attempt !== connection) return;
      confirmedAt = sentAt;
      live = true;
      reported = false;
    } catch (error) {
      if (isRefusal(error)) refuse(error as Error);
      else if (attempt === connection) restart("tracking", error);
    } finally {
      establishing = false;
    }
  }

  async function heartbeat() {
    if (closed || refused || !live) return;
    const attempt = connection;
    const sentAt = now();
    try {
      await subscriber.ping();
      if (attempt === connection) confirmedAt = sentAt;
    } catch (error) {
      if (attempt === connection) restart("heartbeat", error);
    }
  }

  subscriber.on("messageBuffer", (channel: Buffer, message: Buffer[] | Buffer | null) => {
    if (String(channel) !== INVALIDATION_CHANNEL) return;
    if (Array.isArray(message)) for (const key of message) invalidate(String(key));
    else emptyCopyKeepingLive(); // a flush: no key named
  });
  subscriber.on("close", emptyCopy);
  subscriber.on("ready", () => void establish());
  // The reads' connection reconnected, perhaps to another server (a failover): track anew from there.
  reader.on("close", () => {
    if (live) restart("reader", new Error("the reads' connection closed"));
  });
  const timer = setInterval(() => void heartbeat(), heartbeatMs);
  timer.unref();
  void establish();

  const usable = () => live && now() - confirmedAt <= 2 * heartbeatMs;

  return {
    async mget(keys) {
      if (!keys.every(tracked)) return reader.mget(...keys);
      const wasUsable = usable();
      if (wasUsable) {
        const values = keys.map((key) => entries.get(key));
        if (values.every((value) => value !== undefined)) return values as Array<string | null>;
      }
      const read = pending.begin(keys);
      try {
        const values = await reader.mget(...keys);
        if (wasUsable && usable() && !read.spoiled) {
          for (const [index, key] of keys.entries()) {
            if (!entries.has(key) && entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
            entries.set(key, values[index] ?? null);
          }
        }
        return values;
      } finally {
        read.end();
      }
    },
    forget(keys) {
      for (const key of keys) invalidate(key);
    },
    get isLive() {
      return usable();
    },
    close() {
      closed = true;
      clearInterval(timer);
      emptyCopy();
      subscriber.disconnect();
    },
  };
}
