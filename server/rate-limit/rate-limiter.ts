import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Attempts allowed per key (an IP address or its /64, a provider account, a session, a client) per
 * window: sign-ins, codes typed on /device, requests to the OAuth endpoints. On Redis when there is one,
 * so every app process counts together; in memory otherwise, and as Redis's stand-in while Redis is
 * unreachable (`insuranceLimiter`), so an outage neither blocks anyone nor lifts the limit. Large
 * limits are taken from the store in leases (see LEASES_PER_LIMIT).
 */
export function createRateLimiter({
  redis,
  points,
  durationSeconds,
  keyPrefix,
}: {
  redis: Redis | null;
  points: number;
  durationSeconds: number;
  keyPrefix: string;
}) {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: durationSeconds, insuranceLimiter: memory })
    : memory;
  const leaseSize = redis ? leaseSizeFor(points) : 1;

  async function consumeOne(key: string): Promise<RateLimitDecision> {
    try {
      await limiter.consume(key);
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return refusal(rejection.msBeforeNext);
      throw rejection;
    }
  }

  const leases = new Map<string, Lease>();
  const acquiring = new Map<string, Promise<Lease>>();

  /** Never past the store's own window: counted from before the request, the TTL it answered with. */
  const windowEnd = (startedAt: number, msBeforeNext: number) => startedAt + (Number.isFinite(msBeforeNext) ? Math.min(Math.max(msBeforeNext, 0), durationSeconds * 1000) : 0);

  /** One round trip for `leaseSize` attempts; the part of them still under the limit when it crosses it. */
  async function acquireLease(key: string): Promise<Lease> {
    const startedAt = Date.now();
    let lease: Lease;
    try {
      const granted = await limiter.consume(key, leaseSize);
      lease = { remaining: leaseSize, until: windowEnd(startedAt, granted.msBeforeNext), last: false };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The store counted all `leaseSize`; those that were still below the limit are this process's.
      const underLimit = Math.min(leaseSize, Math.max(0, leaseSize - (rejection.consumedPoints - points)));
      lease = { remaining: underLimit, until: windowEnd(startedAt, rejection.msBeforeNext), last: true };
    }
    // Re-inserted, so the Map's order is by acquisition: a busy key goes to the back of the queue for room.
    leases.delete(key);
    if (leases.size >= MAX_LEASED_KEYS) makeRoom();
    leases.set(key, lease);
    return lease;
  }

  /**
   * Drops the leases acquired longest ago whose window has ended, then, if none had, the oldest one (its
   * attempts are lost, never gained). From the front only, so a flood of new keys costs no scan each.
   */
  function makeRoom() {
    const now = Date.now();
    for (const [key, lease] of leases) {
      if (lease.until > now) break;
      leases.delete(key);
    }
    if (leases.size >= MAX_LEASED_KEYS) leases.delete(leases.keys().next().value!);
  }

  /** An attempt from the lease, or the refusal once the window's last lease is used up; null = none to give. */
  function fromLease(key: string, lease: Lease | undefined): RateLimitDecision | null {
    if (!lease) return null;
    const now = Date.now();
    if (now >= lease.until) {
      if (leases.get(key) === lease) leases.delete(key);
      return null;
    }
    if (lease.remaining > 0) {
      lease.remaining -= 1;
      return { allowed: true };
    }
    return lease.last ? refusal(lease.until - now) : null;
  }

  async function consumeLeased(key: string): Promise<RateLimitDecision> {
    const held = fromLease(key, leases.get(key));
    if (held) return held;
    // One acquisition per key at a time; a request that finds it used up when it comes back is counted
    // by itself (one round trip, as without leases), so a burst never waits for a queue of acquisitions.
    const inFlight = acquiring.get(key);
    if (inFlight) return fromLease(key, await inFlight.catch(() => undefined)) ?? consumeOne(key);
    const acquisition = acquireLease(key).finally(() => acquiring.delete(key));
    acquiring.set(key, acquisition);
    return fromLease(key, await acquisition) ?? consumeOne(key);
  }

  return {
    /** Gives back one attempt that turned out to be no guess (a code that was right). */
    async refund(key: string): Promise<void> {
      await limiter.reward(key, 1).catch(() => {});
    },

    consume(key: string): Promise<RateLimitDecision> {
      return leaseSize > 1 ? consumeLeased(key) : consumeOne(key);
    },
  };
}

/**
 * With Redis, a limit of 200 or more a window is taken from Redis in leases of 1% of it (at most 50):
 * one round trip per lease instead of one per request, the rest counted in this process's memory. Every
 * attempt is counted in Redis before it is allowed, so while Redis answers no more than the limit gets
 * through, from one process or many. Attempts are lost, never gained: what a process has not used of its
 * lease when the window ends (or when the lease is dropped to make room) counts against the window, so a
 * limit is exact or stricter. While Redis is unreachable each process counts alone in memory, as without
 * leases. Smaller limits (sign-ins, codes typed on /device) are counted one by one.
 */
const LEASES_PER_LIMIT = 100;
const MAX_LEASE_SIZE = 50;
/** Keys with a lease held at once, per limiter. */
const MAX_LEASED_KEYS = 10_000;

export function leaseSizeFor(points: number): number {
  return Math.max(1, Math.min(MAX_LEASE_SIZE, Math.floor(points / LEASES_PER_LIMIT)));
}

interface Lease {
  remaining: number;
  /** When the store's window ends (epoch ms), at the latest: then its count starts again, and so must ours. */
  until: number;
  /** Taken as the limit was crossed: when it is used up, the key is refused until `until`. */
  last: boolean;
}

function refusal(msBeforeNext: number): RateLimitDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((Number.isFinite(msBeforeNext) ? msBeforeNext : 1000) / 1000)) };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
