import { randomBytes } from "node:crypto";

import { PrismaPg } from "@prisma/adapter-pg";
import { SignJWT, calculateJwkThumbprint, jwtVerify, type JWK } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { PrismaClient } from "@/generated/prisma/client";
import { SealedJwkError, deriveKeyEncryptionKey, openPrivateJwk, sealPrivateJwk } from "@/server/tokens/key-encryption";
import { SigningKeyStoreError } from "@/server/tokens/errors";
import { createSigningKeyStore, type SigningKeyStore, type SigningKeyStoreOptions } from "@/server/tokens/key-store";
import { generateSigningJwk } from "@/server/tokens/signing-jwk";
import { createTestDatabase } from "../support/test-database";

/* The signing keys against the real PostgreSQL, with a clock the test moves and every SQL query counted. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const LIFETIME = 15 * MINUTE + MINUTE;
const ACTIVATION_DELAY = 10 * MINUTE;
const CACHE_TTL = MINUTE;
const PUBLIC_MEMBERS = ["alg", "crv", "kid", "kty", "use", "x", "y"];

function connect(url: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log: [{ emit: "event", level: "query" }] });
}

async function signAndVerify(store: SigningKeyStore) {
  const { kid, privateKey } = await store.currentSigningKey();
  const token = await new SignJWT({ sub: "someone" }).setProtectedHeader({ alg: "ES256", kid }).sign(privateKey);
  const { protectedHeader } = await jwtVerify(token, async (header) => {
    const key = await store.verificationKey(header.kid ?? "");
    if (!key) throw new Error(`kid ${header.kid} is not published`);
    return key;
  });
  return protectedHeader.kid;
}

describe("signing keys in the SigningKey table", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: ReturnType<typeof connect>;
  let clock: Date;
  const now = () => clock;
  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  const encryptionKey = new Uint8Array(randomBytes(32));
  /** The SQL this test's client sent to the SigningKey table. */
  let keyQueries: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("signing_keys");
    db = connect(database.url);
    db.$on("query", (event) => {
      if (event.query.includes('"SigningKey"') || event.query.includes("pg_advisory")) keyQueries.push(event.query);
    });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });
  beforeEach(async () => {
    await db.signingKey.deleteMany();
    clock = new Date("2026-01-01T00:00:00Z");
    keyQueries = [];
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function store(overrides: Partial<SigningKeyStoreOptions> = {}) {
    return createSigningKeyStore({ db, encryptionKey, now, maxTokenLifetimeMs: LIFETIME, activationDelayMs: ACTIVATION_DELAY, cacheTtlMs: CACHE_TTL, ...overrides });
  }

  async function publishedKids(keys: SigningKeyStore) {
    return (await keys.publishedJwks()).keys.map((key) => key.kid).sort();
  }

  it("creates the first key on first use, signing at once, and keeps using it", async () => {
    const keys = store();
    const { kid } = await keys.currentSigningKey();

    const rows = await db.signingKey.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kid).toBe(kid);
    expect(rows[0]!.activatesAt.getTime()).toBeLessThanOrEqual(clock.getTime());
    // The kid is the RFC 7638 thumbprint of the public key.
    expect(kid).toBe(await calculateJwkThumbprint(rows[0]!.publicJwk as JWK, "sha256"));
    expect(await signAndVerify(keys)).toBe(kid);

    advance(CACHE_TTL * 3);
    expect((await keys.currentSigningKey()).kid).toBe(kid);
    expect((await store().currentSigningKey()).kid).toBe(kid);
    expect(await db.signingKey.count()).toBe(1);
  });

  it("publishes public members only, even when a row's public JWK carries a private one", async () => {
    const keys = store();
    await keys.currentSigningKey();
    await keys.rotate();
    // A row written by hand (or by a bug) with the private scalar in its public JWK.
    const leaky = await generateSigningJwk();
    await db.signingKey.create({
      data: { kid: leaky.kid, publicJwk: { ...leaky }, privateJwkEncrypted: await sealPrivateJwk(leaky, encryptionKey), activatesAt: clock },
    });
    advance(CACHE_TTL);

    const { keys: published } = await keys.publishedJwks();
    expect(published).toHaveLength(3);
    for (const jwk of published) {
      expect(Object.keys(jwk).sort()).toEqual(PUBLIC_MEMBERS);
      expect(jwk).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    }
    expect(JSON.stringify(published)).not.toContain(leaky.d);
  });

  it("stores the private half sealed, never in clear", async () => {
    const { kid } = await store().currentSigningKey();
    const row = await db.signingKey.findUniqueOrThrow({ where: { kid } });
    const opened = await openPrivateJwk(row.privateJwkEncrypted, encryptionKey, kid);
    expect(opened.d).toEqual(expect.any(String));
    expect(JSON.stringify(row)).not.toContain(opened.d);
  });

  it("publishes a rotated key at once but signs with it only once the activation delay has passed", async () => {
    const keys = store();
    const otherProcess = store();
    const { kid: old } = await keys.currentSigningKey();
    await otherProcess.currentSigningKey();

    const { kid: next, activatesAt } = await keys.rotate();
    expect(activatesAt.getTime()).toBe(clock.getTime() + ACTIVATION_DELAY);
    expect(await publishedKids(keys)).toEqual([old, next].sort());
    expect((await keys.currentSigningKey()).kid).toBe(old);

    // Another process sees the new key when its copy of the table expires, long before it signs.
    advance(CACHE_TTL);
    expect(await publishedKids(otherProcess)).toEqual([old, next].sort());

    advance(ACTIVATION_DELAY - CACHE_TTL - 1);
    expect((await keys.currentSigningKey()).kid).toBe(old);
    expect((await otherProcess.currentSigningKey()).kid).toBe(old);
    advance(1);
    expect((await keys.currentSigningKey()).kid).toBe(next);
    expect((await otherProcess.currentSigningKey()).kid).toBe(next);
    expect(await signAndVerify(keys)).toBe(next);
  });

  it("keeps a superseded key published until every token it signed has expired, then drops it", async () => {
    const keys = store();
    const { kid: old } = await keys.currentSigningKey();
    const { privateKey } = await keys.currentSigningKey();
    await keys.rotate();
    advance(ACTIVATION_DELAY); // T: the new key signs from now on
    const lastOldToken = await new SignJWT({}).setProtectedHeader({ alg: "ES256", kid: old }).sign(privateKey);

    advance(LIFETIME - 1);
    expect(await publishedKids(keys)).toContain(old);
    const stillPublished = await keys.verificationKey(old);
    expect(stillPublished).not.toBeNull();
    await expect(jwtVerify(lastOldToken, stillPublished!)).resolves.toBeDefined();

    advance(1);
    expect(await publishedKids(keys)).not.toContain(old);
    expect(await keys.verificationKey(old)).toBeNull();
    expect(await store().verificationKey(old)).toBeNull();
  });

  it("serves verification keys from memory, reading the table again only when the copy expires", async () => {
    const keys = store();
    const { kid } = await keys.currentSigningKey();
    keyQueries = [];
    for (let i = 0; i < 50; i++) expect(await keys.verificationKey(kid)).not.toBeNull();
    expect(keyQueries).toEqual([]);

    advance(CACHE_TTL);
    expect(await keys.verificationKey(kid)).not.toBeNull();
    expect(keyQueries).toHaveLength(1);
  });

  it("refuses path-like and injected kids without a query", async () => {
    const keys = store();
    await keys.currentSigningKey();
    // The copy is stale: any lookup that got as far as the table would read it again.
    advance(CACHE_TTL);
    keyQueries = [];
    const hostile = ["../../etc/passwd", "' OR 1=1 --", "kid\u0000", "%2e%2e%2f", "a b", "", "a".repeat(129), "ключ"];
    for (const kid of hostile) expect(await keys.verificationKey(kid)).toBeNull();
    expect(keyQueries).toEqual([]);

    // Whereas a well-formed kid does reach the table (so the counting above would have seen it).
    await keys.verificationKey("a".repeat(128));
    expect(keyQueries.length).toBeGreaterThan(0);
  });

  it("reads the table for unknown kids at most once every 5 seconds", async () => {
    const keys = store();
    await keys.currentSigningKey();
    keyQueries = [];

    expect(await keys.verificationKey(randomBytes(32).toString("base64url"))).toBeNull();
    expect(keyQueries).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      advance(200);
      expect(await keys.verificationKey(randomBytes(32).toString("base64url"))).toBeNull();
    }
    expect(keyQueries).toHaveLength(1);

    // A kid another process has just added is found on the next allowed reload.
    const { kid: added } = await store().rotate();
    keyQueries = [];
    expect(await keys.verificationKey(added)).toBeNull();
    expect(keyQueries).toEqual([]);
    advance(1000);
    expect(await keys.verificationKey(added)).not.toBeNull();
    expect(keyQueries).toHaveLength(1);
  });

  it("never signs with a key sealed under another encryption key, but keeps publishing it", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const before = store();
    const { kid: sealedElsewhere } = await before.currentSigningKey();

    // The key-encryption key changed (say AUTH_SECRET was rotated): the stored key cannot be opened.
    const after = store({ encryptionKey: new Uint8Array(randomBytes(32)) });
    const { kid: replacement } = await after.currentSigningKey();
    expect(replacement).not.toBe(sealedElsewhere);
    expect(await signAndVerify(after)).toBe(replacement);
    expect(await publishedKids(after)).toEqual([sealedElsewhere, replacement].sort());
    expect((await after.currentSigningKey()).kid).toBe(replacement);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain(sealedElsewhere);

    // The process with the old key cannot open the replacement: it keeps signing with its own key.
    advance(CACHE_TTL);
    expect((await before.currentSigningKey()).kid).toBe(sealedElsewhere);
    expect(await publishedKids(before)).toEqual([sealedElsewhere, replacement].sort());
    // Until the replacement has outlived every token the old key could still sign: then it retires in
    // the new process only (the old one still signs with it, so still publishes it).
    advance(LIFETIME);
    expect(await publishedKids(after)).toEqual([replacement]);
    expect(await publishedKids(before)).toContain(sealedElsewhere);
  });

  it("never signs with a sealed key copied onto another key's row", async () => {
    const keys = store();
    const { kid: genuine } = await keys.currentSigningKey();
    const genuineRow = await db.signingKey.findUniqueOrThrow({ where: { kid: genuine } });
    // A newer row whose public half is the genuine key's, but whose kid is the attacker's choosing.
    const impostor = (await generateSigningJwk()).kid;
    await db.signingKey.create({
      data: {
        kid: impostor,
        publicJwk: { ...(genuineRow.publicJwk as object), kid: impostor },
        privateJwkEncrypted: genuineRow.privateJwkEncrypted,
        activatesAt: new Date(clock.getTime() + MINUTE),
      },
    });
    advance(CACHE_TTL + MINUTE);
    expect((await keys.currentSigningKey()).kid).toBe(genuine);
  });

  it("never signs with a private half that is not the published public half", async () => {
    const keys = store();
    const { kid: genuine } = await keys.currentSigningKey();
    // Sealed under the right key and kid, but another pair's private scalar: its tokens would not verify.
    const [published, other] = [await generateSigningJwk(), await generateSigningJwk()];
    await db.signingKey.create({
      data: {
        kid: published.kid,
        publicJwk: { kty: "EC", crv: "P-256", x: published.x, y: published.y },
        privateJwkEncrypted: await sealPrivateJwk({ ...other, kid: published.kid }, encryptionKey),
        activatesAt: new Date(clock.getTime() + MINUTE),
      },
    });
    advance(CACHE_TTL + MINUTE);
    expect((await keys.currentSigningKey()).kid).toBe(genuine);
    expect(await signAndVerify(keys)).toBe(genuine);
  });

  it("lets two processes that start on an empty table sign with one and the same key", async () => {
    const second = connect(database.url);
    try {
      for (let round = 0; round < 5; round++) {
        await db.signingKey.deleteMany();
        const [a, b] = [store(), createSigningKeyStore({ db: second, encryptionKey, now, maxTokenLifetimeMs: LIFETIME })];
        const [fromA, fromB] = await Promise.all([a.currentSigningKey(), b.currentSigningKey()]);
        expect(fromA.kid).toBe(fromB.kid);
        expect(await db.signingKey.count()).toBe(1);
        expect(await publishedKids(b)).toEqual([fromA.kid]);
      }
    } finally {
      await second.$disconnect();
    }
  });
});

describe("signing keys from TOKEN_SIGNING_KEYS", () => {
  it("signs with the first key, publishes all of them, and touches no database", async () => {
    const [first, second] = [await generateSigningJwk(), await generateSigningJwk()];
    const keys = createSigningKeyStore({ envKeys: [first, second], maxTokenLifetimeMs: LIFETIME });

    expect((await keys.currentSigningKey()).kid).toBe(first.kid);
    expect(await signAndVerify(keys)).toBe(first.kid);
    const { keys: published } = await keys.publishedJwks();
    expect(published.map((key) => key.kid)).toEqual([first.kid, second.kid]);
    for (const jwk of published) expect(Object.keys(jwk).sort()).toEqual(PUBLIC_MEMBERS);
    expect(JSON.stringify(published)).not.toContain(first.d);
    expect(await keys.verificationKey(second.kid)).not.toBeNull();
    expect(await keys.verificationKey("../../etc/passwd")).toBeNull();
    expect(await keys.verificationKey((await generateSigningJwk()).kid)).toBeNull();
  });

  it("refuses to rotate, and says how to rotate keys given by the environment", async () => {
    const keys = createSigningKeyStore({ envKeys: [await generateSigningJwk()], maxTokenLifetimeMs: LIFETIME });
    const refusal = await keys.rotate().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SigningKeyStoreError);
    expect(refusal).toMatchObject({ code: "keys_from_environment" });
    expect((refusal as Error).message).toMatch(/TOKEN_SIGNING_KEYS/);
    expect((refusal as Error).message).toMatch(/keys:generate/);
  });
});

describe("sealing private JWKs", () => {
  const key = new Uint8Array(randomBytes(32));

  it("opens what it sealed, and the sealed value does not show the private key", async () => {
    const jwk = await generateSigningJwk();
    const sealed = await sealPrivateJwk(jwk, key);
    expect(sealed).not.toContain(jwk.d);
    expect(await openPrivateJwk(sealed, key, jwk.kid)).toEqual(jwk);
  });

  it("refuses the wrong key, a tampered ciphertext, and a tampered header", async () => {
    const jwk = await generateSigningJwk();
    const sealed = await sealPrivateJwk(jwk, key);
    const [header, encryptedKey, iv, ciphertext, tag] = sealed.split(".") as [string, string, string, string, string];

    const flipped = `${ciphertext[0] === "A" ? "B" : "A"}${ciphertext.slice(1)}`;
    const otherKid = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(header, "base64url").toString()), kid: "someone-else" }),
    ).toString("base64url");
    for (const [value, secret] of [
      [sealed, new Uint8Array(randomBytes(32))],
      [[header, encryptedKey, iv, flipped, tag].join("."), key],
      [[otherKid, encryptedKey, iv, ciphertext, tag].join("."), key],
    ] as const) {
      await expect(openPrivateJwk(value, secret)).rejects.toSatisfy(
        (error) => error instanceof SealedJwkError && error.code === "decryption_failed",
      );
    }
  });

  it("refuses a sealed key read from another key's row", async () => {
    const jwk = await generateSigningJwk();
    const sealed = await sealPrivateJwk(jwk, key);
    await expect(openPrivateJwk(sealed, key, "another-kid")).rejects.toMatchObject({ name: "SealedJwkError", code: "kid_mismatch" });
  });

  it("derives a 32-byte key from AUTH_SECRET, the same every time, different per secret", () => {
    const secret = randomBytes(33).toString("base64");
    const derived = deriveKeyEncryptionKey(secret);
    expect(derived).toHaveLength(32);
    expect(Buffer.from(deriveKeyEncryptionKey(secret)).equals(Buffer.from(derived))).toBe(true);
    expect(Buffer.from(deriveKeyEncryptionKey(`${secret}x`)).equals(Buffer.from(derived))).toBe(false);
    expect(Buffer.from(derived).toString("base64")).not.toContain(secret.slice(0, 8));
  });
});
