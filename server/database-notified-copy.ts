import { randomBytes } from "node:crypto";

import pg from "pg";

/**
 * Reads of PostgreSQL answered from this process's memory, for as long as PostgreSQL says when they
 * change: the same idea as server/redis-client-cache.ts, for a deployment without Redis, over
 * PostgreSQL's own LISTEN/NOTIFY.
 *
 * A trigger announces every change to a copied row on `channel`, the row's key as the payload, when the
 * change commits (prisma/migrations/*_session_change_notifications). One connection of this process's own
 * LISTENs on it and drops each key it is told of; the next read of it goes to the database again. Since
 * the trigger is in the database, every writer is heard: any app process, a script, a SQL console.
 *
 * How it stays right:
 * - A read goes through the app's pool, so its reply can arrive after the announcement of a change it
 *   missed. A reply is kept only if no announcement of its key, `forget` of it, or loss of the listening
 *   connection happened while it was in flight.
 * - The copy is used only while announcements are known to arrive. Every `heartbeatMs` this process
 *   sends a notification on a channel of its own **through the app's pool** (the path writes take), and
 *   the copy is used only while the last one to come back on the listening connection was sent within
 *   two heartbeats. PostgreSQL delivers notifications to each listener in commit order, so a heartbeat
 *   that came back proves that every change committed before it was sent has been heard. A link that
 *   breaks silently therefore serves an old answer for two heartbeats at most; a database or pooler that
 *   does not deliver notifications between connections (PgBouncer in transaction mode, the embedded
 *   PGlite, which serves all connections from one backend) never confirms one, and every read asks the
 *   database, as if this did not exist (logged once).
 * - A lost listening connection empties the copy; it is opened again a second later.
 * - Heartbeats are sent only while the copy is being read (within `idleAfterMs` of the last read): an
 *   idle process costs the database one idle connection. The first read after a quiet spell asks the
 *   database and sends a heartbeat; what the copy held is used again once that heartbeat comes back
 *   (announcements kept arriving meanwhile, and the heartbeat proves none was missed).
 *
 * Started by the first read, so a script that builds the app's services but never reads opens nothing.
 */
export interface DatabaseNotifiedCopy<V> {
  /** The value for `key`: from the copy when it holds it and is confirmed, else from `load` (then kept). */
  read(key: string, load: () => Promise<V>): Promise<V>;
  /** Drops keys from the copy now: this process has just changed them (the announcement follows). */
  forget(keys: readonly string[]): void;
  /** Whether reads are being answered from the copy. */
  readonly isLive: boolean;
  close(): Promise<void>;
}

export interface DatabaseNotifiedCopyOptions {
  /** Opens the listening connection: a client of its own, not one of the pool's. */
  connect: () => pg.Client;
  /** The channel the triggers announce changed keys on. */
  channel: string;
  /** Sends a notification through the app's pool: `SELECT pg_notify($1, $2)`. */
  notify: (channel: string, payload: string) => Promise<unknown>;
  maxEntries?: number;
  /** Longest time a value is kept, however quiet its row. */
  maxAgeMs?: number;
  heartbeatMs?: number;
  /** Heartbeats stop this long after the last read, and start again with the next. */
  idleAfterMs?: number;
  /** How long heartbeats may go unanswered before it is reported (once). */
  reportSilenceAfterMs?: number;
  now?: () => number;
  onError?: (operation: string, error: unknown) => void;
}

const DEFAULT_MAX_ENTRIES = 50_000;
const DEFAULT_MAX_AGE_MS = 10 * 60 * 1000;
const DEFAULT_HEARTBEAT_MS = 1_000;
const DEFAULT_IDLE_AFTER_MS = 60_000;
const DEFAULT_REPORT_SILENCE_AFTER_MS = 10_000;
const RECONNECT_DELAY_MS = 1_000;

/** A read awaiting its reply: spoiled when its key changes meanwhile. */
interface PendingRead {
  spoiled: boolean;
}

export function createDatabaseNotifiedCopy<V>({
  connect,
  channel,
  notify,
  maxEntries = DEFAULT_MAX_ENTRIES,
  maxAgeMs = DEFAULT_MAX_AGE_MS,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  idleAfterMs = DEFAULT_IDLE_AFTER_MS,
  reportSilenceAfterMs = DEFAULT_REPORT_SILENCE_AFTER_MS,
  now = Date.now,
  onError = () => {},
}: DatabaseNotifiedCopyOptions): DatabaseNotifiedCopy<V> {
  const entries = new Map<string, { value: V; storedAt: number }>();
  const pending = new Map<string, Set<PendingRead>>();
  // A channel of this process's own for its heartbeats (an identifier: LISTEN takes no parameter).
  const heartbeatChannel = `gatehouse_heartbeat_${randomBytes(8).toString("hex")}`;
  /** Bumped whenever the listening connection is lost or replaced: whatever spans a bump is void. */
  let connection = 0;
  let listener: pg.Client | undefined;
  let listening = false;
  let confirmedAt = -Infinity;
  let lastReadAt = -Infinity;
  /** When the oldest heartbeat not yet followed by an answer was sent. */
  let unansweredSince: number | undefined;
  let started = false;
  let closed = false;
  let reported = false;
  let silenceReported = false;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  function invalidate(key: string) {
    entries.delete(key);
    for (const read of pending.get(key) ?? []) read.spoiled = true;
  }

  function emptyCopy() {
    connection += 1;
    listening = false;
    confirmedAt = -Infinity;
    unansweredSince = undefined;
    entries.clear();
    for (const reads of pending.values()) for (const read of reads) read.spoiled = true;
  }

  function report(operation: string, error: unknown) {
    if (!reported) onError(operation, error);
    reported = true;
  }

  /** The listening connection is gone or in doubt: empty the copy, open a new one in a moment. */
  function lose(operation: string, error: unknown) {
    report(operation, error);
    emptyCopy();
    const lost = listener;
    listener = undefined;
    lost?.removeAllListeners("notification");
    lost?.end().catch(() => {});
    if (!closed && !reconnectTimer) {
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        void listen();
      }, RECONNECT_DELAY_MS);
      reconnectTimer.unref();
    }
  }

  async function listen() {
    if (closed || listener) return;
    emptyCopy();
    const attempt = connection;
    const client = connect();
    listener = client;
    client.on("error", (error) => {
      if (listener === client) lose("listen", error);
    });
    client.on("end", () => {
      if (listener === client) lose("listen", new Error("the listening connection closed"));
    });
    client.on("notification", ({ channel: from, payload }) => {
      if (listener !== client || payload === undefined) return;
      if (from === channel) invalidate(payload);
      else if (from === heartbeatChannel) confirm(payload);
    });
    try {
      await client.connect();
      // Both before any heartbeat is sent: a heartbeat that comes back was sent after LISTEN took effect.
      await client.query(`LISTEN "${channel.replaceAll('"', '""')}"; LISTEN "${heartbeatChannel}"`);
      if (attempt !== connection || listener !== client) return;
      listening = true;
      reported = false;
      void heartbeat();
    } catch (error) {
      if (listener === client) lose("listen", error);
    }
  }

  /** A heartbeat came back: everything committed before it was sent has been heard. */
  function confirm(payload: string) {
    const [ofConnection, sentAt] = payload.split(":").map(Number);
    if (ofConnection !== connection || !listening || !Number.isFinite(sentAt)) return;
    confirmedAt = Math.max(confirmedAt, sentAt!);
    unansweredSince = undefined;
    silenceReported = false;
  }

  async function heartbeat() {
    if (closed || !listening || now() - lastReadAt > idleAfterMs) return;
    const sentAt = now();
    unansweredSince ??= sentAt;
    try {
      await notify(heartbeatChannel, `${connection}:${sentAt}`);
    } catch (error) {
      // The pool's trouble, not the listener's: the copy goes unused until heartbeats come back.
      report("heartbeat", error);
      return;
    }
    if (!silenceReported && unansweredSince !== undefined && sentAt - unansweredSince > reportSilenceAfterMs) {
      silenceReported = true;
      console.warn(`[db] no notification on "${channel}" came back for ${Math.round(reportSilenceAfterMs / 1000)} s: every session lookup reads the database. A pooler in transaction mode or an embedded database does not deliver them; set DATABASE_CHANGE_NOTIFICATIONS=off to skip the attempt.`);
    }
  }

  function start() {
    started = true;
    heartbeatTimer = setInterval(() => void heartbeat(), heartbeatMs);
    heartbeatTimer.unref();
    void listen();
  }

  const usable = () => listening && now() - confirmedAt <= 2 * heartbeatMs;

  return {
    async read(key, load) {
      if (!started && !closed) start();
      const wasIdle = now() - lastReadAt > idleAfterMs;
      lastReadAt = now();
      if (wasIdle) void heartbeat();
      const wasUsable = usable();
      if (wasUsable) {
        const entry = entries.get(key);
        if (entry && now() - entry.storedAt <= maxAgeMs) return entry.value;
      }
      const startedIn = connection;
      const read: PendingRead = { spoiled: false };
      pending.set(key, (pending.get(key) ?? new Set()).add(read));
      try {
        const value = await load();
        if (wasUsable && usable() && startedIn === connection && !read.spoiled) {
          entries.delete(key); // re-inserted last: the oldest goes first when full
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(key, { value, storedAt: now() });
        }
        return value;
      } finally {
        const reads = pending.get(key);
        reads?.delete(read);
        if (reads?.size === 0) pending.delete(key);
      }
    },
    forget(keys) {
      for (const key of keys) invalidate(key);
    },
    get isLive() {
      return usable();
    },
    async close() {
      closed = true;
      clearInterval(heartbeatTimer);
      clearTimeout(reconnectTimer);
      emptyCopy();
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => {});
    },
  };
}

/** The copy's listening connection and heartbeats for the app's database (a pg pool's connection string). */
export function databaseNotifiedCopyFor<V>(connectionString: string, notifyThroughPool: (channel: string, payload: string) => Promise<unknown>, channel: string): DatabaseNotifiedCopy<V> {
  return createDatabaseNotifiedCopy<V>({
    channel,
    connect: () => new pg.Client({ connectionString, connectionTimeoutMillis: 5_000, keepAlive: true }),
    notify: notifyThroughPool,
    onError: (operation, error) => console.error(`[db] change notifications (${operation}) failed, reading the database:`, error instanceof Error ? error.message : error),
  });
}
