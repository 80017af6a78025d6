import type { PublicEcJwk } from "./signing-jwk";

/**
 * Which key signs and which keys are published, as pure time arithmetic over the table's rows, so every
 * process that sees the same rows agrees: a key is published from its creation; it signs from
 * `activatesAt` until a newer key it can use activates (time T); it stays published until
 * T + `maxTokenLifetimeMs`, when every token it signed has expired. Verifiers cache our JWK Set
 * (max-age 5 min), so a rotated key is published 10 minutes before it signs.
 */

/** Tokens are accepted this long past `exp` by verifiers' clock tolerance. */
const CLOCK_SKEW_ALLOWANCE_MS = 60 * 1000;

/** How long a superseded key must stay published: the access-token TTL plus verifiers' clock skew. */
export function maxTokenLifetimeMs(accessTokenTtlSeconds: number): number {
  return accessTokenTtlSeconds * 1000 + CLOCK_SKEW_ALLOWANCE_MS;
}

/** One row of the SigningKey table, checked. */
export interface KeyRecord {
  kid: string;
  publicJwk: PublicEcJwk;
  sealed: string;
  activatesAt: number;
}

export interface KeySchedule {
  signing: KeyRecord | undefined;
  published: KeyRecord[];
  /** The schedule holds until this moment (a key activates or retires then), or until the rows change. */
  validUntil: number;
}

/**
 * Which keys are published and which one signs at `now`. Walks the keys newest first; a key is
 * superseded when a newer key that can sign activates, and published until that moment plus
 * `lifetimeMs`. Keys this process cannot decrypt never sign and never supersede (another process may
 * still sign with them), but are published like the others. `canSign` is asked only of keys still
 * published, newest first.
 *
 * @param records newest first: activatesAt, then createdAt, then kid, descending.
 */
export async function scheduleAt(records: KeyRecord[], now: number, lifetimeMs: number, canSign: (record: KeyRecord) => Promise<boolean>): Promise<KeySchedule> {
  let signing: KeyRecord | undefined;
  const published: KeyRecord[] = [];
  let validUntil = Infinity;
  // The activation of the closest newer key that can sign: when the key being looked at stops signing.
  let supersededAt: number | undefined;
  for (const record of records) {
    const retiresAt = supersededAt === undefined ? Infinity : supersededAt + lifetimeMs;
    // Every older key was superseded no later than this one, so it has retired too.
    if (retiresAt <= now) break;
    published.push(record);
    validUntil = Math.min(validUntil, retiresAt, record.activatesAt > now ? record.activatesAt : Infinity);
    if (await canSign(record)) {
      if (!signing && record.activatesAt <= now) signing = record;
      supersededAt = record.activatesAt;
    }
  }
  return { signing, published, validUntil };
}
