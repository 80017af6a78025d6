import type { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/*
 * pglite-socket 0.2.17 serves every connection through PGlite's one backend session, one protocol
 * message at a time, and keeps a connection's messages together only while a SQL transaction is open.
 * An extended-protocol query (Parse, Bind, Describe, Execute, then Sync) is not a transaction, so two
 * connections' queries interleave: B's Parse replaces A's unnamed statement between A's Parse and Bind
 * ("unnamed prepared statement does not exist", "portal \"\" does not exist", or A binding B's query).
 * Its queue also stops for good after an internal error (it returns with `processing` still set).
 * @see https://github.com/electric-sql/pglite/issues/1046
 *
 * This replaces the queue's scheduling with one that keeps a connection's messages together from its
 * first extended-protocol message to its Sync (and, as before, for a whole transaction), and that keeps
 * going after an error. The queue is internal to pglite-socket, so its shape is checked first: a
 * version that changes it fails loudly at start-up instead of misbehaving under load.
 */

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

interface QueryQueue {
  db: PGlite;
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const code = (letter: string) => letter.charCodeAt(0);
/** Parse, Bind, Describe, Execute, Close, Flush: the backend keeps their state until the next Sync. */
const EXTENDED_PROTOCOL = new Set(["P", "B", "D", "E", "C", "H"].map(code));
const SYNC = code("S");
const SIMPLE_QUERY = code("Q");
/** A Sync message (type 'S', length 4): ends whatever extended query a vanished connection left open. */
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

function isQueryQueue(value: unknown): value is QueryQueue {
  const queue = value as Partial<QueryQueue> | undefined;
  return (
    Array.isArray(queue?.queue) &&
    typeof queue.processQueue === "function" &&
    typeof queue.clearQueueForHandler === "function" &&
    typeof queue.db?.execProtocolRawStream === "function" &&
    typeof queue.db.runExclusive === "function" &&
    typeof queue.db.isInTransaction === "function"
  );
}

/**
 * How long a connection that has started an extended query may keep the others waiting for its next
 * message. Clients send a whole query (Parse..Sync) in one write, so this only ends a connection that
 * stopped mid-query (a cursor that fetches with Execute+Flush and then waits, a client that hung):
 * its query is ended with a Sync, and the others go on.
 */
const BATCH_PIN_TIMEOUT_MS = 5_000;

/** Makes `server` keep each connection's extended-protocol queries whole (see above). Call before `start()`. */
export function keepProtocolBatchesTogether(server: PGLiteSocketServer): void {
  const candidate = (server as unknown as { queryQueue?: unknown }).queryQueue;
  if (!isQueryQueue(candidate)) {
    throw new Error("pglite-socket's query queue is not the one scripts/lib/pglite-protocol-queue.ts was written for (0.2.17): check the fix there against the new version.");
  }
  const queue: QueryQueue = candidate;
  const { db } = queue;
  /** The connection whose extended query is open (from its first Parse/Bind/... to its Sync). */
  let batchOwner: number | null = null;
  /** Messages processed so far: a pin that sees no progress for BATCH_PIN_TIMEOUT_MS is released. */
  let processed = 0;
  let pinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Connections that have gone: never pinned again, whatever message of theirs was in flight. */
  const closed = new Set<number>();

  /** Ends the extended query `handlerId` left open, if it holds the pin, and lets the others go on. */
  function releaseBatch(handlerId: number) {
    if (batchOwner !== handlerId) return;
    batchOwner = null;
    void db
      .runExclusive(() => db.execProtocolRawStream(SYNC_MESSAGE, { onRawData: () => {} }))
      .catch(() => {})
      .finally(() => void queue.processQueue());
  }

  function watchPin() {
    if (pinTimer || batchOwner === null) return;
    const [owner, seen] = [batchOwner, processed];
    pinTimer = setTimeout(() => {
      pinTimer = undefined;
      if (batchOwner === owner && processed === seen) releaseBatch(owner);
      else watchPin();
    }, BATCH_PIN_TIMEOUT_MS);
    pinTimer.unref();
  }

  queue.processQueue = async function processQueue() {
    if (queue.processing) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        const pinned = batchOwner ?? (db.isInTransaction() ? queue.lastHandlerId : null);
        const index = pinned === null ? 0 : queue.queue.findIndex((item) => item.handlerId === pinned);
        // The pinned connection's next message has not arrived yet: its enqueue restarts the loop.
        if (index === -1) {
          watchPin();
          break;
        }
        const [item] = queue.queue.splice(index, 1) as [QueuedMessage];
        const type = item.message[0];
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          processed += 1;
          item.reject(error);
          releaseBatch(item.handlerId);
          continue;
        }
        processed += 1;
        queue.lastHandlerId = item.handlerId;
        if (type !== undefined && EXTENDED_PROTOCOL.has(type) && !closed.has(item.handlerId)) batchOwner = item.handlerId;
        else if (type === SYNC || type === SIMPLE_QUERY) batchOwner = null;
        item.resolve(bytes);
      }
    } finally {
      queue.processing = false;
    }
  };

  // A connection that goes away mid-query must not hold the others forever.
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId) => {
    closed.add(handlerId);
    clearQueueForHandler(handlerId);
    releaseBatch(handlerId);
  };
}
