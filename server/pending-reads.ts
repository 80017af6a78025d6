/**
 * The reads of a local copy that are waiting for their reply, by key. A change announced for a key while
 * one of its reads is in flight spoils that read: the reply may predate the change, so the copy must not
 * keep it (the caller still gets it, as it would have without a copy). Shared by the Redis client-side
 * cache (server/redis-client-cache.ts) and the PostgreSQL-notified copy (server/database-notified-copy.ts).
 */
export interface PendingRead {
  /** Whether one of its keys changed, or everything may have, since the read began. */
  readonly spoiled: boolean;
}

export class PendingReads {
  private readonly byKey = new Map<string, Set<{ spoiled: boolean }>>();

  /** How many keys have a read in flight. */
  get size(): number {
    return this.byKey.size;
  }

  /** A read of `keys` begins: call `end` with the same keys when its reply is in (or it failed). */
  begin(keys: readonly string[]): PendingRead {
    const read = { spoiled: false };
    for (const key of keys) this.byKey.set(key, (this.byKey.get(key) ?? new Set()).add(read));
    return read;
  }

  end(read: PendingRead, keys: readonly string[]): void {
    for (const key of keys) {
      const reads = this.byKey.get(key);
      reads?.delete(read as { spoiled: boolean });
      if (reads?.size === 0) this.byKey.delete(key);
    }
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
