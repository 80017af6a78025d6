import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { z } from "zod";

import type { PrismaClient } from "@/generated/prisma/client";
import type { PrivateSigningJwk } from "@/server/env-schema";

import { openPrivateJwk, sealPrivateJwk } from "./key-encryption";

/**
 * The ES256 keys that sign access tokens: which one signs now, which ones are published in the JWK Set,
 * and rotation. Keys live in the `SigningKey` table (private halves sealed, see key-encryption.ts), or,
 * on deployments without database-held keys, in TOKEN_SIGNING_KEYS.
 *
 * The schedule is pure time arithmetic over the rows, so every process that sees the same rows agrees:
 * a key is published from its creation; it signs from `activatesAt` until a newer key it can use
 * activates (time T); it stays published until T + `maxTokenLifetimeMs`, when every token it signed has
 * expired. Verifiers cache our JWK Set (max-age 5 min), so a rotated key is published 10 minutes before
 * it signs.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 JSON Web Key
 * @see https://www.rfc-editor.org/rfc/rfc7638 JWK Thumbprint (our kids)
 */

export const SIGNING_ALGORITHM = "ES256";

const DEFAULT_ACTIVATION_DELAY_MS = 10 * 60 * 1000;
const DEFAULT_CACHE_TTL_MS = 60 * 1000;
/** Kids we do not hold reload the table at most this often, so random kids cannot hammer PostgreSQL. */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 5 * 1000;
/** After a failed reload, how long the copy already in memory is used before trying again. */
const RELOAD_RETRY_MS = 5 * 1000;
/** Tokens are accepted this long past `exp` by verifiers' clock tolerance. */
const CLOCK_SKEW_ALLOWANCE_MS = 60 * 1000;
/** Anything else is refused before a lookup: kids come from attackers' token headers. */
const KID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** How long a superseded key must stay published: the access-token TTL plus verifiers' clock skew. */
export function maxTokenLifetimeMs(accessTokenTtlSeconds: number): number {
  return accessTokenTtlSeconds * 1000 + CLOCK_SKEW_ALLOWANCE_MS;
}

export type SigningKeyStoreFailure = "keys_from_environment" | "invalid_configuration" | "no_signing_key";

export class SigningKeyStoreError extends Error {
  constructor(
    readonly code: SigningKeyStoreFailure,
    message: string,
  ) {
    super(message);
    this.name = "SigningKeyStoreError";
  }
}

const ENVIRONMENT_ROTATION_STEPS = [
  "The signing keys come from TOKEN_SIGNING_KEYS, so they are rotated by redeploying, in four steps:",
  "  1. `npm run keys:generate`, and add the new key to TOKEN_SIGNING_KEYS after the current one (the first one signs; all are published); deploy.",
  "  2. Wait at least 10 minutes, so that every verifier's cached JWK Set holds the new key.",
  "  3. Move the new key first; deploy. It signs from now on.",
  "  4. After the access-token lifetime (plus a minute), remove the old key; deploy.",
].join("\n");

export interface SigningKeyStoreOptions {
  /** The table (absent when `envKeys` are given). */
  db?: PrismaClient;
  /** Seals and opens the private halves in the table; required with `db`. 32 bytes. */
  encryptionKey?: Uint8Array;
  /** TOKEN_SIGNING_KEYS: replaces the table; the first signs, all are published. */
  envKeys?: PrivateSigningJwk[];
  now?: () => Date;
  /** Default 10 minutes: a rotated key is published this long before it signs (> JWKS max-age 5 min + cache refresh). */
  activationDelayMs?: number;
  /** Access-token TTL + clock skew allowance: how long a superseded key stays published. */
  maxTokenLifetimeMs: number;
  /** Default 60 s: how long the in-process copy of the key table is trusted. */
  cacheTtlMs?: number;
}

export interface SigningKeyStore {
  /** The key that signs now: the newest whose activatesAt <= now. Creates and activates the first key at once when the table has none (safe: no token can exist yet). */
  currentSigningKey(): Promise<{ kid: string; privateKey: CryptoKey }>;
  /** The public key for a token's `kid`, or null when that kid is not published. Hot path: served from memory. */
  verificationKey(kid: string): Promise<CryptoKey | null>;
  /** The JWK Set to publish: pending keys, the current key, and superseded keys until every token they signed has expired. Public members only (kty, crv, x, y, kid, alg: "ES256", use: "sig"). */
  publishedJwks(): Promise<{ keys: JWK[] }>;
  /** Adds a new key, published at once, signing after activationDelayMs. */
  rotate(): Promise<{ kid: string; activatesAt: Date }>;
}

/**
 * The signing keys of one process: from the table (cached in memory) or from the environment.
 * @throws {SigningKeyStoreError} `invalid_configuration` when neither keys nor a database are usable.
 */
export function createSigningKeyStore(options: SigningKeyStoreOptions): SigningKeyStore {
  if (!(options.maxTokenLifetimeMs >= 0)) throw configurationError("maxTokenLifetimeMs must be a non-negative number");
  if (options.envKeys && options.envKeys.length > 0) return createEnvironmentKeyStore(options.envKeys);
  if (!options.db) throw configurationError("give either the database or TOKEN_SIGNING_KEYS");
  if (options.encryptionKey?.byteLength !== 32) throw configurationError("the key-encryption key must be 32 bytes");
  return createTableKeyStore(options.db, options.encryptionKey, options);
}

/** A new ES256 private JWK whose kid is its RFC 7638 thumbprint: what `npm run keys:generate` prints. */
export async function generateSigningJwk(): Promise<PrivateSigningJwk> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const { kty, crv, x, y, d } = await exportJWK(privateKey);
  if (kty !== "EC" || crv !== "P-256" || !x || !y || !d) throw new Error("generateSigningJwk: unexpected key export");
  const kid = await calculateJwkThumbprint({ kty, crv, x, y }, "sha256");
  return { kty: "EC", crv: "P-256", kid, x, y, d };
}

function configurationError(message: string) {
  return new SigningKeyStoreError("invalid_configuration", `Signing keys: ${message}`);
}

function isWellFormedKid(kid: unknown): kid is string {
  return typeof kid === "string" && KID_PATTERN.test(kid);
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const publicEcJwkSchema = z.object({ kty: z.literal("EC"), crv: z.literal("P-256"), x: base64url, y: base64url });
type PublicEcJwk = z.output<typeof publicEcJwkSchema>;

/** The members we publish, built field by field so a private member can never leak into the JWK Set. */
function publishedJwk(kid: string, jwk: PublicEcJwk) {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: SIGNING_ALGORITHM, use: "sig" } satisfies JWK;
}

function importPublicKey(jwk: PublicEcJwk): Promise<CryptoKey> {
  return importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, SIGNING_ALGORITHM);
}

function importPrivateKey(jwk: PublicEcJwk & { d: string }): Promise<CryptoKey> {
  return importJWK({ kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d }, SIGNING_ALGORITHM);
}

/** Imports once per kid (importJWK costs far more than a map lookup); a failed import is retried next time. */
function memoize<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let promise = cache.get(key);
  if (!promise) {
    promise = load();
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return promise;
}

// ---------------------------------------------------------------------------------------------------
// TOKEN_SIGNING_KEYS

function createEnvironmentKeyStore(envKeys: PrivateSigningJwk[]): SigningKeyStore {
  const byKid = new Map<string, PrivateSigningJwk>();
  for (const key of envKeys) {
    if (!isWellFormedKid(key.kid)) throw configurationError(`TOKEN_SIGNING_KEYS has a malformed kid`);
    if (byKid.has(key.kid)) throw configurationError(`TOKEN_SIGNING_KEYS names kid ${key.kid} twice`);
    byKid.set(key.kid, key);
  }
  const signing = envKeys[0]!;
  const privateKeys = new Map<string, Promise<CryptoKey>>();
  const publicKeys = new Map<string, Promise<CryptoKey>>();

  return {
    async currentSigningKey() {
      return { kid: signing.kid, privateKey: await memoize(privateKeys, signing.kid, () => importPrivateKey(signing)) };
    },
    async verificationKey(kid) {
      const key = isWellFormedKid(kid) ? byKid.get(kid) : undefined;
      return key ? memoize(publicKeys, kid, () => importPublicKey(key)) : null;
    },
    async publishedJwks() {
      return { keys: envKeys.map((key) => publishedJwk(key.kid, key)) };
    },
    async rotate() {
      throw new SigningKeyStoreError("keys_from_environment", ENVIRONMENT_ROTATION_STEPS);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The SigningKey table

interface KeyRecord {
  kid: string;
  publicJwk: PublicEcJwk;
  sealed: string;
  activatesAt: number;
}

interface Snapshot {
  /** Newest first: activatesAt, then createdAt, then kid, descending (the same order in every process). */
  records: KeyRecord[];
  loadedAt: number;
  freshUntil: number;
}

interface KeyView {
  signing: KeyRecord | undefined;
  published: KeyRecord[];
  publishedByKid: Map<string, KeyRecord>;
  /** The view holds until this moment (a key activates or retires then), or until the snapshot is reloaded. */
  validUntil: number;
}

type KeyTableClient = Pick<PrismaClient, "signingKey">;

/**
 * Which keys are published and which one signs at `now`. Walks the keys newest first; a key is
 * superseded when a newer key that can sign activates, and published until that moment plus
 * `lifetimeMs`. Keys this process cannot decrypt never sign and never supersede (another process may
 * still sign with them), but are published like the others.
 */
async function scheduleAt(
  records: KeyRecord[],
  now: number,
  lifetimeMs: number,
  canSign: (record: KeyRecord) => Promise<boolean>,
): Promise<Omit<KeyView, "publishedByKid">> {
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

function createTableKeyStore(db: PrismaClient, encryptionKey: Uint8Array, options: SigningKeyStoreOptions): SigningKeyStore {
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

  async function readTable(client: KeyTableClient): Promise<KeyRecord[]> {
    const rows = await client.signingKey.findMany({
      where: { algorithm: SIGNING_ALGORITHM },
      select: { kid: true, publicJwk: true, privateJwkEncrypted: true, activatesAt: true },
      orderBy: [{ activatesAt: "desc" }, { createdAt: "desc" }, { kid: "desc" }],
    });
    return rows.flatMap((row) => {
      const publicJwk = publicEcJwkSchema.safeParse(row.publicJwk);
      if (isWellFormedKid(row.kid) && publicJwk.success) {
        return [{ kid: row.kid, publicJwk: publicJwk.data, sealed: row.privateJwkEncrypted, activatesAt: row.activatesAt.getTime() }];
      }
      if (!warnedMalformed.has(row.kid)) {
        warnedMalformed.add(row.kid);
        console.warn(`[tokens] signing key ${JSON.stringify(row.kid.slice(0, 140))} has a malformed kid or public JWK: ignored`);
      }
      return [];
    });
  }

  /** Reads the table once for every caller waiting on it. A failed reload keeps the copy in memory for a while. */
  function load(): Promise<Snapshot> {
    loading ??= (async () => {
      try {
        const records = await readTable(db);
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
    const key = openSigningKey(record);
    privateKeys.set(record.kid, { sealed: record.sealed, key });
    return key;
  }

  async function canSign(record: KeyRecord): Promise<boolean> {
    return (await privateKeyOf(record)) !== null;
  }

  /** The private key, or null when it cannot be used: sealed under another key, moved from another row, or not this key's pair. */
  async function openSigningKey(record: KeyRecord): Promise<CryptoKey | null> {
    try {
      const jwk = await openPrivateJwk(record.sealed, encryptionKey, record.kid);
      // A private half that is not the published public half would sign tokens no verifier accepts.
      if (jwk.kty !== "EC" || jwk.crv !== "P-256" || jwk.x !== record.publicJwk.x || jwk.y !== record.publicJwk.y || !jwk.d) return null;
      return await importPrivateKey({ ...record.publicJwk, d: jwk.d });
    } catch {
      return null;
    }
  }

  /**
   * Creates a key that signs at once, when none can: the table is empty, or no active key can be
   * decrypted here. Under a transaction-scoped advisory lock, so that processes starting together on an
   * empty table create one key between them, and the later ones find it and sign with it too.
   */
  async function ensureSigningKey(): Promise<void> {
    const outcome = await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('gatehouse:signing-key-bootstrap', 0))`;
        const records = await readTable(tx);
        const t = clock();
        if ((await scheduleAt(records, t, lifetimeMs, canSign)).signing) return undefined;
        const key = await generateSigningJwk();
        await tx.signingKey.create({ data: await signingKeyRow(key, new Date(t)) });
        return { kid: key.kid, unusable: records.filter((record) => record.activatesAt <= t).map((record) => record.kid) };
      },
      { timeout: 15_000 },
    );
    // Said once: the new key can sign, so neither this process nor any other sharing its key-encryption
    // key comes here again.
    if (outcome && outcome.unusable.length > 0) {
      console.warn(
        `[tokens] no active signing key can be decrypted with this key-encryption key (did TOKEN_KEY_ENCRYPTION_KEY, or AUTH_SECRET when it is unset, change?): ${outcome.unusable.join(", ")}. They stay published until the tokens they signed expire; signing with a new key, ${outcome.kid}, from now on.`,
      );
    }
  }

  async function signingKeyRow(key: PrivateSigningJwk, activatesAt: Date) {
    return {
      kid: key.kid,
      algorithm: SIGNING_ALGORITHM,
      publicJwk: publishedJwk(key.kid, key),
      privateJwkEncrypted: await sealPrivateJwk(key, encryptionKey),
      activatesAt,
    };
  }

  return {
    async currentSigningKey() {
      let { signing } = await currentView();
      if (!signing) {
        await ensureSigningKey();
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
      await db.signingKey.create({ data: await signingKeyRow(key, activatesAt) });
      // Published by this process at once; the others see it when their copy expires (cacheTtlMs).
      await reload();
      return { kid: key.kid, activatesAt };
    },
  };
}
