import { ReplyError, type Redis } from "ioredis";

/**
 * Reads of Redis keys answered from this process's memory, for as long as Redis promises to say when
 * they change: Redis's server-assisted client-side caching (`CLIENT TRACKING`, Redis 6+,
 * https://redis.io/docs/latest/develop/reference/client-side-caching/).
 *
 * The hot paths (the access-token denylist on every Bearer call, the session cache on every cookie
 * call) read a handful of keys that almost never change. Asking Redis each time is a round trip that
 * costs more than the rest of the request's own work; with this, a repeated read is a Map lookup.
 *
 * How it stays right:
 * - Every read goes through one dedicated connection (`reader`) with tracking on, redirected to a second
 *   connection (`subscriber`, RESP2, subscribed to `__redis__:invalidate`). Redis remembers which keys
 *   the reader read and, when one is written, deleted, expired or evicted, or the database flushed, sends
 *   its name to the subscriber; the copy drops it and the next read asks Redis again. A revocation
 *   written by any process (or the CLI) is therefore seen by every process as soon as the message
 *   arrives, and by the process that wrote it at once (`forget`).
 * - The invalidation and the read's reply travel on two connections, so a reply can arrive after the
 *   invalidation of what it read (Redis's documentation names this race). A reply is kept only if no
 *   invalidation, `forget` or reconnection happened while it was in flight.
 * - The copy is used only while tracking is known to be on: after either connection (re)connects, the
 *   reader's tracking is (re)enabled towards the subscriber's current id, and a heartbeat
 *   (`heartbeatMs`) confirms it (`CLIENT TRACKINGINFO` on the reader, `PING` on the subscriber). A
 *   connection that closes, or a heartbeat that fails or is late, empties the copy and every read goes
 *   to Redis until tracking is confirmed again. So a link that breaks silently can serve a stale answer
 *   for at most about two heartbeats.
 * - A Redis that refuses `CLIENT TRACKING` (before 6.0, or a managed service without it) leaves the copy
 *   off for good: every read asks Redis, as if this did not exist. Logged once.
 *
 * Failures of the reads themselves are thrown as ioredis throws them: the callers fall back to
 * PostgreSQL, as they did when they read Redis directly.
 */
export interface RedisClientCache {
  /** The keys' values (null for a missing key), from the copy when it holds every one, else from Redis (MGET). */
  mget(keys: readonly string[]): Promise<Array<string | null>>;
  /** Drops keys from the copy now: this process has just written them (Redis's message follows). */
  forget(keys: readonly string[]): void;
  /** Whether reads are being answered from the copy (tracking confirmed). */
  readonly isLive: boolean;
  close(): void;
}

export interface RedisClientCacheOptions {
  /** The tracked connection, used for these reads only (tracking applies to every read on it). */
  reader: Redis;
  /** A connection of its own for the invalidation messages: RESP2 (`protocol: 2`), `autoResubscribe: false`. */
  subscriber: Redis;
  /** Most keys kept (the oldest goes first). */
  maxEntries?: number;
  /** How often tracking is confirmed; the copy is unused once a confirmation is two of these late. */
  heartbeatMs?: number;
  now?: () => number;
  onError?: (operation: string, error: unknown) => void;
}

const INVALIDATION_CHANNEL = "__redis__:invalidate";
const DEFAULT_MAX_ENTRIES = 50_000;
const DEFAULT_HEARTBEAT_MS = 1_000;

interface Entry {
  value: string | null;
}

export function createRedisClientCache({ reader, subscriber, maxEntries = DEFAULT_MAX_ENTRIES, heartbeatMs = DEFAULT_HEARTBEAT_MS, now = Date.now, onError = () => {} }: RedisClientCacheOptions): RedisClientCache {
  const entries = new Map<string, Entry>();
  /** Bumped on every invalidation, forget and loss of tracking: a read in flight across a bump is not kept. */
  let changes = 0;
  /** Bumped each time tracking is lost or (re)established: an establishment that raced another is void. */
  let epoch = 0;
  let live = false;
  let confirmedAt = 0;
  let subscriberId: number | null = null;
  let unsupported = false;
  let closed = false;
  let subscribed = false;
  let establishing = false;
  let establishAgain = false;

  function drop() {
    live = false;
    epoch += 1;
    changes += 1;
    entries.clear();
  }

  /** One establishment at a time; one asked for meanwhile runs after it. */
  function establish() {
    if (establishing) {
      establishAgain = true;
      return;
    }
    establishing = true;
    void establishOnce().finally(() => {
      establishing = false;
      if (establishAgain) {
        establishAgain = false;
        establish();
      }
    });
  }

  /** Both connections ready: subscribe (once per connection), then point the reader's tracking at it. */
  async function establishOnce() {
    if (closed || unsupported || reader.status !== "ready" || subscriber.status !== "ready") return;
    drop();
    const attempt = epoch;
    try {
      if (!subscribed) {
        // CLIENT ID before SUBSCRIBE: a subscribed RESP2 connection answers nothing else.
        subscriberId = Number(await subscriber.client("ID"));
        await subscriber.subscribe(INVALIDATION_CHANNEL);
        subscribed = true;
      }
      await trackOrRefuse();
      if (attempt !== epoch) return;
      confirmedAt = now();
      live = true;
    } catch (error) {
      if (attempt === epoch) onError("tracking", error);
    }
  }

  async function trackOrRefuse() {
    try {
      await reader.client("TRACKING", "ON", "REDIRECT", String(subscriberId));
    } catch (error) {
      // An answer, not a lost connection: this Redis (before 6.0, or a managed one) does not track.
      if (error instanceof ReplyError) {
        unsupported = true;
        console.warn(`[redis] Redis refused client-side caching (${(error as Error).message}): every read asks Redis. Set REDIS_CLIENT_TRACKING=off to skip the attempt.`);
      }
      throw error;
    }
  }

  async function heartbeat() {
    if (closed || unsupported) return;
    if (!live) return establish();
    const attempt = epoch;
    try {
      const [info] = await Promise.all([reader.client("TRACKINGINFO"), subscriber.ping()]);
      if (attempt !== epoch) return;
      const flags = trackingField(info, "flags");
      const on = Array.isArray(flags) && flags.map(String).includes("on") && !flags.map(String).includes("broken_redirect");
      if (on && Number(trackingField(info, "redirect")) === subscriberId) {
        confirmedAt = now();
        return;
      }
      drop();
      establish();
    } catch (error) {
      if (attempt !== epoch) return;
      onError("heartbeat", error);
      drop();
    }
  }

  subscriber.on("messageBuffer", (channel: Buffer, message: Buffer[] | Buffer | null) => {
    if (String(channel) !== INVALIDATION_CHANNEL) return;
    changes += 1;
    // null: the database was flushed (or Redis emptied its tracking table): forget everything.
    if (!Array.isArray(message)) entries.clear();
    else for (const key of message) entries.delete(String(key));
  });
  subscriber.on("close", () => {
    subscribed = false;
    drop();
  });
  reader.on("close", drop);
  for (const connection of [reader, subscriber]) connection.on("ready", establish);
  const timer = setInterval(() => void heartbeat(), heartbeatMs);
  timer.unref();
  establish();

  const usable = () => live && now() - confirmedAt <= 2 * heartbeatMs;

  return {
    async mget(keys) {
      if (usable()) {
        const held = keys.map((key) => entries.get(key));
        if (held.every((entry) => entry !== undefined)) return held.map((entry) => entry!.value);
      }
      const wasUsable = usable();
      const before = changes;
      const values = await reader.mget(...keys);
      if (wasUsable && usable() && changes === before) {
        for (const [index, key] of keys.entries()) {
          if (!entries.has(key) && entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(key, { value: values[index] ?? null });
        }
      }
      return values;
    },
    forget(keys) {
      changes += 1;
      for (const key of keys) entries.delete(key);
    },
    get isLive() {
      return usable();
    },
    close() {
      closed = true;
      clearInterval(timer);
      drop();
      reader.disconnect();
      subscriber.disconnect();
    },
  };
}

/** A field of CLIENT TRACKINGINFO's reply (a flat [name, value, ...] list under RESP2 and ioredis's legacy mapping). */
function trackingField(info: unknown, name: string): unknown {
  if (!Array.isArray(info)) return undefined;
  const index = info.findIndex((item, position) => position % 2 === 0 && String(item) === name);
  return index === -1 ? undefined : info[index + 1];
}
