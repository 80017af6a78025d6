import type { PrismaClient } from "@/generated/prisma/client";
import type { PrivateSigningJwk } from "@/server/env-schema";

import { openPrivateJwk, sealPrivateJwk } from "./key-encryption";
import { scheduleAt, type KeyRecord } from "./key-schedule";
import { generateSigningJwk, importPrivateKey, isWellFormedKid, publicEcJwkSchema, publishedJwk, SIGNING_ALGORITHM } from "./signing-jwk";

/** The SigningKey table's rows, as the table key store reads and writes them. */

type KeyTableClient = Pick<PrismaClient, "signingKey">;

/**
 * Every ES256 row, newest first (activatesAt, then createdAt, then kid, descending: the same order in
 * every process). A row with a malformed kid or public JWK is ignored, and said once per process.
 */
export async function readKeyTable(client: KeyTableClient, warnedMalformed: Set<string>): Promise<KeyRecord[]> {
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

/** The private key, or null when it cannot be used: sealed under another key, moved from another row, or not this key's pair. */
export async function openSigningKey(record: KeyRecord, encryptionKey: Uint8Array): Promise<CryptoKey | null> {
  try {
    const jwk = await openPrivateJwk(record.sealed, encryptionKey, record.kid);
    // A private half that is not the published public half would sign tokens no verifier accepts.
    if (jwk.kty !== "EC" || jwk.crv !== "P-256" || jwk.x !== record.publicJwk.x || jwk.y !== record.publicJwk.y || !jwk.d) return null;
    return await importPrivateKey({ ...record.publicJwk, d: jwk.d });
  } catch {
    return null;
  }
}

export async function signingKeyRow(key: PrivateSigningJwk, activatesAt: Date, encryptionKey: Uint8Array) {
  return {
    kid: key.kid,
    algorithm: SIGNING_ALGORITHM,
    publicJwk: publishedJwk(key.kid, key),
    privateJwkEncrypted: await sealPrivateJwk(key, encryptionKey),
    activatesAt,
  };
}

/**
 * Creates a key that signs at once, when none can: the table is empty, or no active key can be
 * decrypted here. Under a transaction-scoped advisory lock, so that processes starting together on an
 * empty table create one key between them, and the later ones find it and sign with it too.
 */
export async function ensureSigningKey(
  db: PrismaClient,
  options: { encryptionKey: Uint8Array; lifetimeMs: number; clock: () => number; warnedMalformed: Set<string>; canSign: (record: KeyRecord) => Promise<boolean> },
): Promise<void> {
  const { encryptionKey, lifetimeMs, clock, warnedMalformed, canSign } = options;
  const outcome = await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('gatehouse:signing-key-bootstrap', 0))`;
      const records = await readKeyTable(tx, warnedMalformed);
      const t = clock();
      if ((await scheduleAt(records, t, lifetimeMs, canSign)).signing) return undefined;
      const key = await generateSigningJwk();
      await tx.signingKey.create({ data: await signingKeyRow(key, new Date(t), encryptionKey) });
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
