import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

import pg from "pg";

import { PendingReads } from "./pending-reads";

/**
 * Reads of PostgreSQL answered from this process's memory, for as long as PostgreSQL says when they
 * change: the same idea as server/redis-client-cache.ts, for a deployment without Redis, over
 * PostgreSQL's own LISTEN/NOTIFY.
 *
 * Triggers announce every change to a copied row on `channel` when the change commits (see the
 * session_change_notifications migration): the row's key as the payload, or a group's name (`group`: all
 * the values of one person, say), or `*` for everything (a TRUNCATE).
 * One connection of this process's own LISTENs on it and drops each key it is told of; the next read of
 * it goes to the database again. The triggers are in the database, so every writer is heard: any app
 * process, a script, a SQL console (but not a session with `session_replication_role = replica`, which
 * fires no ordinary trigger).
 *
 * How it stays right:
 * - A read goes through the app's pool, so its reply can arrive after the announcement of a change it
 *   missed. A reply is kept only if no announcement of its key, its group or `*`, `forget` of it, or loss
 *   of the listening connection happened while it was in flight.
 * - The copy is used only while announcements are known to arrive. Every `heartbeatMs` this process
 *   sends a notification on a channel of its own **through the app's pool** (`heartbeat`: the path writes
 *   take; never on the listening connection), and the copy is used only while one sent within the last two
 *   heartbeats has come back on the listening connection. PostgreSQL delivers notifications to each
 *   listener in commit order, so a heartbeat that came back proves that every change committed before it
 *   was sent has been heard. The heartbeat statement itself checks that the triggers are there and enabled
 *   (`heartbeat` is given by the caller, who knows them), so a copy is never trusted on a database whose
 *   triggers are missing (code deployed before its migration) or disabled; a heartbeat that was not sent
 *   for that reason empties the copy at once, and one whose fingerprint of the triggers (the part of its
 *   payload after `|`) differs from the last one's empties it too: they were off, or replaced, meanwhile.
 *   A link that breaks silently serves an old answer for two heartbeats at most; a database or pooler that does not deliver
 *   notifications between connections (PgBouncer in transaction mode, the embedded PGlite, which serves
 *   all connections from one backend) never confirms one, and every read asks the database, as if this
 *   did not exist (logged once).
 * - A listening connection that is lost, or that stops answering after it had answered (a link dropped
 *   by a firewall), empties the copy and is replaced a second later (later still after failures in a row).
 * - Heartbeats are sent only while the copy is being read (within `idleAfterMs` of the last read): an
 *   idle process costs the database one idle connection. The first read after a quiet spell asks the
 *   database and sends a heartbeat; what the copy held is used again once that heartbeat comes back
 *   (announcements kept arriving meanwhile on the open connection, and the heartbeat proves none was
 *   missed: a connection lost meanwhile emptied the copy).
 * - Times are read from a monotonic clock, so a step of the wall clock neither extends nor cuts the trust.
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

export interface DatabaseNotifiedCopyOptions<V = unknown> {
  /** Makes the listening connection (not yet connected): a client of its own, not one of the pool's. */
  connect: () => pg.Client;
  /** The channel the triggers announce changed keys on. */
  channel: string;
  /** Run on the listening connection before it LISTENs, e.g. to switch the triggers on. */
  prepare?: (client: pg.Client) => Promise<void>;
  /**
   * Sends `payload` on `channel` through the app's pool (`SELECT pg_notify($1, $2 || '|' || fingerprint)`),
   * only if the triggers are in place: a heartbeat that could not vouch for them must not be sent.
   * @returns whether it was sent.
   */
  heartbeat: (channel: string, payload: string) => Promise<boolean>;
  /** Values announced together by a group's name: the payload `prefix` + name, and the name of a value's group. */
  group?: { prefix: string; of: (value: V) => string | undefined };
  maxEntries?: number;
  /** Longest time a value is kept, however quiet its row. */
  maxAgeMs?: number;
  heartbeatMs?: number;
  /** Heartbeats stop this long after the last read, and start again with the next. */
  idleAfterMs?: number;
  /** How long heartbeats may go unanswered before it is reported, or the connection replaced if it had answered. */
  silenceMs?: number;
  /** A monotonic clock, in milliseconds. */
  now?: () => number;
  onError?: (operation: string, error: unknown) => void;
}

/** The payload that stands for every key (a TRUNCATE). */
export const EVERY_KEY = "*";

const DEFAULT_MAX_ENTRIES = 50_000;
const DEFAULT_MAX_AGE_MS = 10 * 60 * 1000;
const DEFAULT_HEARTBEAT_MS = 1_000;
const DEFAULT_IDLE_AFTER_MS = 60_000;
const DEFAULT_SILENCE_MS = 10_000;
const RECONNECT_DELAY_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 60_000;
/** A heartbeat not answered by the pool in this long counts as failed (the pool may be stuck). */
const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Groups announced while reads are in flight, remembered at most this many at once. */
const MAX_GROUP_ANNOUNCEMENTS = 10_000;
const CLOSE_TIMEOUT_MS = 1_000;
/** Heartbeats sent and not yet back, kept to match one that comes back late. */
const MAX_OUTSTANDING_HEARTBEATS = 16;

export function createDatabaseNotifiedCopy<V>({
  connect,
  channel,
  prepare,
  heartbeat: sendHeartbeat,
  group,
  maxEntries = DEFAULT_MAX_ENTRIES,
  maxAgeMs = DEFAULT_MAX_AGE_MS,
  heartbeatMs = DEFAULT_HEARTBEAT_MS,
  idleAfterMs = DEFAULT_IDLE_AFTER_MS,
  silenceMs = DEFAULT_SILENCE_MS,
  now = () => performance.now(),
  onError = () => {},
}: DatabaseNotifiedCopyOptions<V>): DatabaseNotifiedCopy<V> {
  const entries = new Map<string, { value: V; storedAt: number }>();
  const pending = new PendingReads();
  // A channel of this process's own for its heartbeats (an identifier: LISTEN takes no parameter).
  const heartbeatChannel = `gatehouse_heartbeat_${randomBytes(8).toString("hex")}`;
  /** Heartbeats sent on the current connection and not yet back: nonce → when it was sent. */
  const outstanding = new Map<string, number>();
  /** Groups announced while reads were in flight: name → the announcement's number (`announcements`). */
  const groupAnnouncements = new Map<string, number>();
  let announcements = 0;
  /** The triggers' fingerprint in the last heartbeat that came back on this connection. */
  let fingerprint: string | undefined;
  let reconnectFailures = 0;
  /** Bumped whenever the listening connection is lost or replaced: whatever spans a bump is void. */
  let connection = 0;
  let listener: pg.Client | undefined;
  let listening = false;
  /** Whether a heartbeat has come back on the current connection. */
  let answered = false;
  let confirmedAt = -Infinity;
  let lastReadAt = -Infinity;
  /** When the database had sent the oldest heartbeat not yet followed by an answer. */
  let unansweredSince: number | undefined;
  let heartbeatInFlight = false;
  let started = false;
  let closed = false;
  /** One error line per outage and operation, not one per attempt. */
  const reported = new Set<string>();
  let silenceReported = false;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  function invalidate(key: string) {
    entries.delete(key);
    pending.spoil(key);
  }

  function invalidateGroup(name: string) {
    if (!group) return;
    for (const [key, entry] of entries) if (group.of(entry.value) === name) entries.delete(key);
    if (pending.isEmpty) return;
    if (groupAnnouncements.size >= MAX_GROUP_ANNOUNCEMENTS) {
      // Too many to remember: every read in flight is suspect.
      groupAnnouncements.clear();
      pending.spoilAll();
    }
    groupAnnouncements.set(name, (announcements += 1));
  }

  /** Every key may have changed (a TRUNCATE), but the announcements themselves are fine. */
  function invalidateAll() {
    entries.clear();
    pending.spoilAll();
  }

  function emptyCopy() {
    connection += 1;
    listening = false;
    answered = false;
    confirmedAt = -Infinity;
    unansweredSince = undefined;
    fingerprint = undefined;
    outstanding.clear();
    invalidateAll();
  }

  function report(operation: string, error: unknown) {
    if (!reported.has(operation)) onError(operation, error);
    reported.add(operation);
  }

  /** Ends a client whatever state it is in: `end()` waits on a socket that may never answer. */
  async function endClient(client: pg.Client) {
    client.removeAllListeners("notification");
    const ended = client.end().catch(() => {});
    const timer = setTimeout(() => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy(), CLOSE_TIMEOUT_MS);
    timer.unref();
    await ended;
    clearTimeout(timer);
  }

  /** The listening connection is gone or in doubt: empty the copy, open a new one in a moment. */
  function lose(operation: string, error: unknown) {
    report(operation, error);
    emptyCopy();
    const lost = listener;
    listener = undefined;
    if (lost) void endClient(lost);
    if (!closed && !reconnectTimer) {
      const delay = Math.min(RECONNECT_DELAY_MS * 2 ** reconnectFailures, MAX_RECONNECT_DELAY_MS);
      reconnectFailures += 1;
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        void listen();
      }, delay);
      reconnectTimer.unref();
    }
  }

  async function listen() {
    if (closed || listener) return;
    emptyCopy();
    const attempt = connection;
    let client: pg.Client | undefined;
    try {
      client = connect();
      const own = client;
      listener = own;
      own.on("error", (error) => {
        if (listener === own) lose("listen", error);
      });
      own.on("end", () => {
        if (listener === own) lose("listen", new Error("the listening connection closed"));
      });
      own.on("notification", ({ channel: from, payload }) => {
        if (listener !== own || payload === undefined) return;
        if (from === channel) {
          if (payload === EVERY_KEY) invalidateAll();
          else if (group && payload.startsWith(group.prefix)) invalidateGroup(payload.slice(group.prefix.length));
          else invalidate(payload);
        } else if (from === heartbeatChannel) confirm(payload);
      });
      await own.connect();
      // The process may exit with it open (a script): the HTTP server, not this, keeps an app alive.
      (own as unknown as { connection?: { stream?: { unref?(): void } } }).connection?.stream?.unref?.();
      await prepare?.(own);
      // Both before any heartbeat is sent: a heartbeat that comes back was sent after LISTEN took effect.
      await own.query(`LISTEN "${channel.replaceAll('"', '""')}"; LISTEN "${heartbeatChannel}"`);
      if (attempt !== connection || listener !== own) return;
      listening = true;
      reconnectFailures = 0;
      reported.delete("listen");
      void heartbeat();
    } catch (error) {
      // (No client at all: making one threw, e.g. an unreadable certificate file.)
      if (!client || listener === client) lose("listen", error);
    }
  }

  /** A heartbeat came back: everything committed before it was sent has been heard. */
  function confirm(payload: string) {
    const separator = payload.indexOf("|");
    const nonce = separator === -1 ? payload : payload.slice(0, separator);
    const sentAt = outstanding.get(nonce);
    if (sentAt === undefined || !listening) return; // not one this connection sent (or a forgery)
    outstanding.delete(nonce);
    const itsFingerprint = separator === -1 ? "" : payload.slice(separator + 1);
    // The triggers were off, replaced, or switched off and on since the last heartbeat: changes made
    // meanwhile may never have been announced.
    if (fingerprint !== undefined && itsFingerprint !== fingerprint) invalidateAll();
    fingerprint = itsFingerprint;
    confirmedAt = Math.max(confirmedAt, sentAt);
    answered = true;
    unansweredSince = undefined;
    silenceReported = false;
  }

  async function heartbeat() {
    if (closed || !listening || heartbeatInFlight || now() - lastReadAt > idleAfterMs) return;
    const ofConnection = connection;
    const sentAt = now();
    const nonce = `${ofConnection}:${randomBytes(6).toString("hex")}`;
    outstanding.set(nonce, sentAt);
    if (outstanding.size > MAX_OUTSTANDING_HEARTBEATS) outstanding.delete(outstanding.keys().next().value!);
    heartbeatInFlight = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from the pool in ${HEARTBEAT_TIMEOUT_MS / 1000} s`)), HEARTBEAT_TIMEOUT_MS);
      });
      const sent = await Promise.race([sendHeartbeat(heartbeatChannel, nonce), timeout]);
      reported.delete("heartbeat");
      if (ofConnection !== connection) return;
      if (!sent) {
        // Not sent: the triggers are off (or missing) now, and changes may go unannounced from here on.
        outstanding.delete(nonce);
        invalidateAll();
        confirmedAt = -Infinity;
        fingerprint = undefined;
        reportSilence();
        return;
      }
      // The silence of the listening connection counts from a heartbeat the database has sent (and that
      // has not come back already: its notification can arrive before the pool's answer).
      if (outstanding.has(nonce)) unansweredSince ??= now();
    } catch (error) {
      // The pool's trouble, not the listener's: the copy goes unused until heartbeats come back.
      report("heartbeat", error);
    } finally {
      clearTimeout(timer);
      heartbeatInFlight = false;
    }
  }

  /** Run by the timer: a connection that answered and then went quiet is replaced; one that never answered, reported. */
  function checkSilence() {
    if (closed || !listening || unansweredSince === undefined || now() - unansweredSince <= silenceMs) return;
    if (answered) lose("listen", new Error(`no heartbeat came back for ${Math.round(silenceMs / 1000)} s`));
    else reportSilence();
  }

  function reportSilence() {
    if (silenceReported) return;
    silenceReported = true;
    console.warn(`[db] no heartbeat on the database's change notifications ("${channel}") came back: every lookup reads the database. The triggers may be missing or disabled (run the migrations), or a pooler in transaction mode or an embedded database does not deliver notifications between connections; set DATABASE_CHANGE_NOTIFICATIONS=off to skip the attempt.`);
  }

  function start() {
    started = true;
    heartbeatTimer = setInterval(() => {
      checkSilence();
      void heartbeat();
    }, heartbeatMs);
    heartbeatTimer.unref();
    void listen();
  }

  const usable = () => listening && now() - confirmedAt <= 2 * heartbeatMs;

  return {
    async read(key, load) {
      if (!started && !closed) start();
      const wasIdle = now() - lastReadAt > idleAfterMs;
      lastReadAt = now();
      if (wasIdle) {
        // The silence before a quiet spell is not the link's.
        unansweredSince = undefined;
        void heartbeat();
      }
      const wasUsable = usable();
      if (wasUsable) {
        const entry = entries.get(key);
        if (entry && now() - entry.storedAt <= maxAgeMs) return entry.value;
      }
      const startedIn = connection;
      const startedAfter = announcements;
      const read = pending.begin([key]);
      try {
        const value = await load();
        const itsGroup = group?.of(value);
        const groupChanged = itsGroup !== undefined && (groupAnnouncements.get(itsGroup) ?? -1) > startedAfter;
        if (wasUsable && usable() && startedIn === connection && !read.spoiled && !groupChanged) {
          entries.delete(key); // re-inserted last: the oldest goes first when full
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(key, { value, storedAt: now() });
        }
        return value;
      } finally {
        read.end();
        if (pending.isEmpty) groupAnnouncements.clear();
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
      if (client) await endClient(client);
    },
  };
}

/** The copy's listening connection for the app's database (the pool's connection string). */
export function databaseNotifiedCopyFor<V>(connectionString: string, options: Pick<DatabaseNotifiedCopyOptions<V>, "channel" | "prepare" | "heartbeat" | "group">): DatabaseNotifiedCopy<V> {
  return createDatabaseNotifiedCopy<V>({
    ...options,
    // TCP keepalive after 10 s idle (the OS default is two hours), as a second way to notice a dead link.
    connect: () => new pg.Client({ connectionString, connectionTimeoutMillis: 5_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 }),
    onError: (operation, error) => console.error(`[db] change notifications (${operation}) failed, reading the database:`, error instanceof Error ? error.message : error),
  });
}
