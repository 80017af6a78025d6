import type { Client } from "@/generated/prisma/client";

/** A client's row by id, or null when there is none. */
export type ClientLookup = (clientId: string) => Promise<Client | null>;

export interface CachedClientLookup extends ClientLookup {
  /** Drops one client's copy now (this process changed it: revoked, rotated, edited). */
  forget(clientId: string): void;
}

/**
 * Client rows kept in memory for at most `maxAgeMs` (default one second), so a busy client's grants
 * read no client row: every grant, revocation and introspection authenticates its client first, and
 * the row changes rarely. A change made anywhere (another instance, the CLI) takes effect within
 * `maxAgeMs`; one made by this process, at once through `forget`.
 *
 * - Concurrent lookups of one id share one query.
 * - Unknown ids are not kept, so random ids cannot fill the memory; known ones are bounded by
 *   `maxEntries`, the oldest going first.
 * - The secret is still compared on every request (clients.ts): only the row is cached.
 */
export function cachedClientLookup(lookup: ClientLookup, { maxAgeMs = 1000, maxEntries = 1000, now = () => Date.now() } = {}): CachedClientLookup {
  const entries = new Map<string, { readAt: number; row: Promise<Client | null> }>();

  // Not async: a hit hands back the promise it holds, with no wrapper promise around it (the hot path).
  const cached = (clientId: string): Promise<Client | null> => {
    const entry = entries.get(clientId);
    // Counted from when the read started, so a copy is never older than maxAgeMs.
    if (entry && now() - entry.readAt < maxAgeMs) return entry.row;
    entries.delete(clientId);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    const row = lookup(clientId);
    const fresh = { readAt: now(), row };
    entries.set(clientId, fresh);
    const dropIfCurrent = () => {
      if (entries.get(clientId) === fresh) entries.delete(clientId);
    };
    row.then((client) => client ?? dropIfCurrent(), dropIfCurrent);
    return row;
  };
  return Object.assign(cached, { forget: (clientId: string) => void entries.delete(clientId) });
}
