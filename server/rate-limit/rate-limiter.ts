import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Attempts allowed per key (an IP address or its /64, a provider account, a session, a client) per
 * window: sign-ins, codes typed on /device, requests to the OAuth endpoints. On Redis when there is one,
 * so every app process counts together; in memory otherwise, and as Redis's stand-in while Redis is
 * unreachable (`insuranceLimiter`), so an outage neither blocks anyone nor lifts the limit. Large
 * limits are taken from the store in leases (see LEASE_SHARE_OF_LIMIT).
 */
export function createRateLimiter({
  redis,
  points,
  durationSeconds,
  keyPrefix,
  now = () => Date.now(),
}: {
  redis: Redis | null;
  points: number;
  durationSeconds: number;
  keyPrefix: string;
  now?: () => number;
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

  /** One round trip for `leaseSize` attempts; the part of them still under the limit when it crosses it. */
  async function acquireLease(key: string): Promise<Lease> {
    let lease: Lease;
    try {
      const granted = await limiter.consume(key, leaseSize);
      lease = { remaining: leaseSize, until: now() + windowLeft(granted.msBeforeNext), last: false };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The store counted all `leaseSize`; those that were still below the limit are this process's.
      const underLimit = Math.max(0, leaseSize - (rejection.consumedPoints - points));
      lease = { remaining: underLimit, until: now() + windowLeft(rejection.msBeforeNext), last: true };
    }
    if (leases.size >= MAX_LEASES && !leases.has(key)) leases.delete(leases.keys().next().value!);
    leases.set(key, lease);
    return lease;
  }

  /** A lease's attempt, or its refusal once the window's last lease is used up; null = lease needed. */
  function fromLease(lease: Lease | undefined): RateLimitDecision | null {
    if (!lease || now() >= lease.until) return null;
    if (lease.remaining > 0) {
      lease.remaining -= 1;
      return { allowed: true };
    }
    return lease.last ? refusal(lease.until - now()) : null;
  }

  async function consumeLeased(key: string): Promise<RateLimitDecision> {
    for (;;) {
      const held = fromLease(leases.get(key));
      if (held) return held;
      // One acquisition per key at a time: requests arriving meanwhile share it rather than take a lease each.
      let acquisition = acquiring.get(key);
      if (!acquisition) {
        acquisition = acquireLease(key).finally(() => acquiring.delete(key));
        acquiring.set(key, acquisition);
      }
      const lease = await acquisition;
      // Taken from the lease just acquired, whatever the clock said meanwhile.
      if (lease.remaining > 0) {
        lease.remaining -= 1;
        return { allowed: true };
      }
      if (lease.last) return refusal(lease.until - now());
      // Used up by the requests that shared it: take another.
    }
  }

  return {
    /** Gives back one attempt that turned out to be no guess (a code that was right). */
    async refund(key: string): Promise<void> {
      const lease = leases.get(key);
      if (lease && now() < lease.until) lease.remaining += 1;
      else await limiter.reward(key, 1).catch(() => {});
    },

    consume(key: string): Promise<RateLimitDecision> {
      return leaseSize > 1 ? consumeLeased(key) : consumeOne(key);
    },
  };

  function windowLeft(msBeforeNext: number): number {
    return Math.min(Math.max(msBeforeNext, 0), durationSeconds * 1000);
  }
}

/**
 * Above 200 attempts per window, each app process takes its attempts from Redis in leases of 1% of the
 * limit (at most 50): one round trip per lease instead of one per request, the rest counted in memory.
 * Every attempt is still counted in Redis before it is allowed, so the limit holds across processes; a
 * lease a process has not used up when the window ends is lost, so with N processes the limit is exact
 * or stricter, by at most N leases. Small limits (sign-ins, codes typed on /device) are counted one by one.
 */
const LEASE_SHARE_OF_LIMIT = 100;
const MAX_LEASE = 50;
/** Keys with a lease held in memory at once; the oldest makes room (its attempts are lost, never gained). */
const MAX_LEASES = 10_000;

export function leaseSizeFor(points: number): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(points / LEASE_SHARE_OF_LIMIT)));
}

interface Lease {
  remaining: number;
  /** The end of the window it was taken in (epoch ms): then Redis's count starts again, and so must ours. */
  until: number;
  /** Taken as the limit was crossed: when it is used up, the key is refused until `until`. */
  last: boolean;
}

function refusal(msBeforeNext: number): RateLimitDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
