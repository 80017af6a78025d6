/**
 * The reads of a local copy that are waiting for their reply, by key. A change announced for a key while
 * one of its reads is in flight spoils that read: the reply may predate the change, so the copy must not
 * keep it (the caller still gets it, as it would have without a copy). Shared by the Redis client-side
 * cache (server/redis-client-cache.ts) and the PostgreSQL-notified copy (server/database-notified-copy.ts).
 */
export interface PendingRead {
  /** Whether one of its keys changed, or everything may have, since the read began. */
  readonly spoiled: boolean;
  /** Its reply is in, or it failed: it is no longer in flight. */
  end(): void;
}

export class PendingReads {
  private readonly byKey = new Map<string, Set<{ spoiled: boolean }>>();

  /** Whether no read is in flight. */
  get isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  /** A read of `keys` begins: call its `end()` when its reply is in (or it failed). */
  begin(keys: readonly string[]): PendingRead {
    const state = { spoiled: false };
    for (const key of keys) this.byKey.set(key, (this.byKey.get(key) ?? new Set()).add(state));
    return {
      get spoiled() {
        return state.spoiled;
      },
      end: () => {
        for (const key of keys) {
          const reads = this.byKey.get(key);
          reads?.delete(state);
          if (reads?.size === 0) this.byKey.delete(key);
        }
      },
    };
  }

  /** `key` changed: no read of it now in flight may be kept. */
  spoil(key: string): void {
    for (const read of this.byKey.get(key) ?? []) read.spoiled = true;
  }

  /** Anything may have changed: no read now in flight may be kept. */
  spoilAll(): void {
    for (const reads of this.byKey.values()) for (const read of reads) read.spoiled = true;
  }
}
