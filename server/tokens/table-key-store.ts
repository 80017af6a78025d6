import type { PrismaClient } from "@/generated/prisma/client";

import { SigningKeyStoreError } from "./errors";
import { scheduleAt, type KeyRecord, type KeySchedule } from "./key-schedule";
import type { SigningKeyStore, SigningKeyStoreOptions } from "./key-store";
import { ensureSigningKey, openSigningKey, readKeyTable, signingKeyRow } from "./key-table";
import { generateSigningJwk, importPublicKey, isWellFormedKid, memoize, publishedJwk } from "./signing-jwk";

const DEFAULT_ACTIVATION_DELAY_MS = 10 * 60 * 1000;
const DEFAULT_CACHE_TTL_MS = 60 * 1000;
/** Kids we do not hold reload the table at most this often, so random kids cannot hammer PostgreSQL. */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 5 * 1000;
/** After a failed reload, how long the copy already in memory is used before trying again. */
const RELOAD_RETRY_MS = 5 * 1000;

interface Snapshot {
  /** Newest first (see readKeyTable). */
  records: KeyRecord[];
  loadedAt: number;
  freshUntil: number;
}

interface KeyView extends KeySchedule {
  publishedByKid: Map<string, KeyRecord>;
}

/**
 * The keys of the SigningKey table, private halves sealed under `encryptionKey`. The table is read into
 * memory and trusted for `cacheTtlMs`; the schedule (key-schedule.ts) is recomputed from that copy only
 * when a key activates or retires, so the hot path (`verificationKey`) is a map lookup.
 */
export function createTableKeyStore(db: PrismaClient, encryptionKey: Uint8Array, options: SigningKeyStoreOptions): SigningKeyStore {
  const now = options.now ?? (() => new Date());
  const clock = () => now().getTime();
  const activationDelayMs = options.activationDelayMs ?? DEFAULT_ACTIVATION_DELAY_MS;
  const cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  const lifetimeMs = options.maxTokenLifetimeMs;

  let snapshot: Snapshot | undefined;
  let loading: Promise<Snapshot> | undefined;
  let view: (KeyView & { snapshot: Snapshot; computedAt: number }) | undefined;
  let lastUnknownKidReloadAt: number | undefined;
  const warnedMalformed = new Set<string>();
  const privateKeys = new Map<string, { sealed: string; key: Promise<CryptoKey | null> }>();
  const publicKeys = new Map<string, Promise<CryptoKey>>();

  /** Reads the table once for every caller waiting on it. A failed reload keeps the copy in memory for a while. */
  function load(): Promise<Snapshot> {
    loading ??= (async () => {
      try {
        const records = await readKeyTable(db, warnedMalformed);
        const loadedAt = clock();
        // No key yet: another process may be creating the first one, so look again soon.
        snapshot = { records, loadedAt, freshUntil: loadedAt + (records.length > 0 ? cacheTtlMs : UNKNOWN_KID_RELOAD_INTERVAL_MS) };
        const kids = new Set(records.map((record) => record.kid));
        for (const cache of [privateKeys, publicKeys]) for (const kid of cache.keys()) if (!kids.has(kid)) cache.delete(kid);
        return snapshot;
      } catch (error) {
        if (!snapshot) throw error;
        console.error("[tokens] could not reload the signing keys, using the copy in memory:", error instanceof Error ? error.message : error);
        const loadedAt = clock();
        snapshot = { ...snapshot, loadedAt, freshUntil: loadedAt + RELOAD_RETRY_MS };
        return snapshot;
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  }

  /** Reads the table again, after a read that may have started before our own write has finished. */
  async function reload(): Promise<void> {
    await loading?.catch(() => undefined);
    await load();
  }

  async function currentView(): Promise<KeyView> {
    let t = clock();
    const current = snapshot && snapshot.loadedAt <= t && t < snapshot.freshUntil ? snapshot : await load();
    t = clock();
    if (view && view.snapshot === current && view.computedAt <= t && t < view.validUntil) return view;
    const schedule = await scheduleAt(current.records, t, lifetimeMs, canSign);
    view = { ...schedule, publishedByKid: new Map(schedule.published.map((record) => [record.kid, record])), snapshot: current, computedAt: t };
    return view;
  }

  function privateKeyOf(record: KeyRecord): Promise<CryptoKey | null> {
    const cached = privateKeys.get(record.kid);
    if (cached && cached.sealed === record.sealed) return cached.key;
    const key = openSigningKey(record, encryptionKey);
    privateKeys.set(record.kid, { sealed: record.sealed, key });
    return key;
  }

  async function canSign(record: KeyRecord): Promise<boolean> {
    return (await privateKeyOf(record)) !== null;
  }

  return {
    async currentSigningKey() {
      let { signing } = await currentView();
      if (!signing) {
        await ensureSigningKey(db, { encryptionKey, lifetimeMs, clock, warnedMalformed, canSign });
        await reload();
        ({ signing } = await currentView());
      }
      const privateKey = signing && (await privateKeyOf(signing));
      if (!signing || !privateKey) throw new SigningKeyStoreError("no_signing_key", "No signing key can be used, and none could be created");
      return { kid: signing.kid, privateKey };
    },

    async verificationKey(kid) {
      if (!isWellFormedKid(kid)) return null;
      let record = (await currentView()).publishedByKid.get(kid);
      const t = clock();
      // A kid we do not hold may be a key another process has just created: look once, then not again
      // for a while, whatever kids arrive meanwhile.
      if (!record && (lastUnknownKidReloadAt === undefined || t < lastUnknownKidReloadAt || t - lastUnknownKidReloadAt >= UNKNOWN_KID_RELOAD_INTERVAL_MS)) {
        lastUnknownKidReloadAt = t;
        await reload();
        record = (await currentView()).publishedByKid.get(kid);
      }
      if (!record) return null;
      const { publicJwk } = record;
      return memoize(publicKeys, kid, () => importPublicKey(publicJwk));
    },

    async publishedJwks() {
      return { keys: (await currentView()).published.map((record) => publishedJwk(record.kid, record.publicJwk)) };
    },

    async rotate() {
      const key = await generateSigningJwk();
      const activatesAt = new Date(clock() + activationDelayMs);
      await db.signingKey.create({ data: await signingKeyRow(key, activatesAt, encryptionKey) });
      // Published by this process at once; the others see it when their copy expires (cacheTtlMs).
      await reload();
      return { kid: key.kid, activatesAt };
    },
  };
}
