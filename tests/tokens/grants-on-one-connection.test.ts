import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import { createDatabase, type Sql } from "@/server/database";
import type { OAuthClient } from "@/server/tokens/clients";
import { createRevocationList } from "@/server/tokens/revocation-list";
import { maxTokenLifetimeMs } from "@/server/tokens/key-schedule";
import { createSigningKeyStore } from "@/server/tokens/key-store";
import { DEFAULT_TOKEN_TIMINGS } from "@/server/tokens/token-config";
import { createTokenService, type TokenService } from "@/server/tokens/token-service";
import { applyMigrations } from "../../scripts/lib/prisma-cli";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../scripts/lib/embedded-postgres";
import { startOnFreePort } from "../support/free-port";
import { createTestDatabase } from "../support/test-database";
import { pkcePair } from "./token-fixtures";

/*
 * Nothing may query outside its transaction while holding one. On a pool of one connection such a query
 * waits for the connection its own transaction holds, and the transaction times out (Prisma P2028); the
 * embedded database (PGlite) serves one transaction at a time, so `npm run dev` failed the first grant
 * after a quiet minute, when the signing keys' in-memory copy had gone stale and minting reloaded them.
 * Here every grant runs with the key copy expired, on both.
 */
const config = { ...DEFAULT_TOKEN_TIMINGS, issuer: "https://gatehouse.test", audience: "https://gatehouse.test/api" };
const REDIRECT = "http://127.0.0.1:8976/callback";
const KEY_CACHE_TTL_MS = 60_000;

function grantSuite(label: string, open: () => Promise<{ db: PrismaClient; sql: Sql; close(): Promise<void> }>) {
  describe(label, () => {
    let db: PrismaClient;
    let sql: Sql;
    let close: () => Promise<void>;
    let tokens: TokenService;
    let native: OAuthClient;
    let clock = new Date();
    const now = () => clock;
    /** A quiet minute: the key store's copy of the SigningKey table is stale at the next grant. */
    const quietMinute = () => (clock = new Date(clock.getTime() + KEY_CACHE_TTL_MS + 1_000));

    beforeAll(async () => {
      ({ db, sql, close } = await open());
      const keys = createSigningKeyStore({ db, encryptionKey: randomBytes(32), maxTokenLifetimeMs: maxTokenLifetimeMs(config.accessTokenTtlSeconds), cacheTtlMs: KEY_CACHE_TTL_MS, now });
      const revocations = createRevocationList({ db, sql, redis: null, maxTokenLifetimeMs: 910_000, now });
      tokens = createTokenService({ db, sql, keys, revocations, config, now });
      native = await db.client.findUniqueOrThrow({ where: { id: "gatehouse-example-native" }, omit: { secretHash: true } });
    }, 120_000);
    afterAll(async () => {
      await close?.();
    });

    async function signedInPerson() {
      const user = await db.user.create({ data: { name: "Quiet Minute" } });
      const session = await db.session.create({ data: { tokenHash: `hash-${user.id}-${randomBytes(4).toString("hex")}`, userId: user.id, expiresAt: new Date(clock.getTime() + 86_400_000), lastUsedAt: clock } });
      return { userId: user.id, sessionId: session.id };
    }

    async function codeExchange(person: { userId: string; sessionId: string }) {
      const pkce = pkcePair();
      const code = await tokens.createAuthorizationCode({ clientId: native.id, userId: person.userId, redirectUri: REDIRECT, scopes: ["profile"], codeChallenge: pkce.challenge, issuingSessionId: person.sessionId });
      return tokens.exchangeAuthorizationCode(native, { code, redirectUri: REDIRECT, codeVerifier: pkce.verifier });
    }

    const personalToken = (person: { userId: string; sessionId: string }) =>
      tokens.issueFamily({ kind: "personal", clientId: "gatehouse-personal", userId: person.userId, scopes: ["profile"], name: "script", issuingSessionId: person.sessionId });

    const playgroundPair = (person: { userId: string; sessionId: string }) =>
      tokens.issueFamily({ kind: "playground", clientId: "gatehouse-playground", userId: person.userId, scopes: ["profile"], issuingSessionId: person.sessionId, boundToSession: true });

    it("the first code exchange after a quiet minute succeeds", { timeout: 30_000 }, async () => {
      const person = await signedInPerson();
      await codeExchange(person); // creates the first key
      quietMinute();
      const pair = await codeExchange(person);
      expect((await tokens.verifyAccessToken(pair.access_token)).userId).toBe(person.userId);
    });

    it("the first personal token and playground pair after a quiet minute succeed", { timeout: 30_000 }, async () => {
      const person = await signedInPerson();
      quietMinute();
      const personal = await personalToken(person);
      quietMinute();
      const playground = await playgroundPair(person);
      expect((await tokens.verifyAccessToken(personal.response.access_token)).userId).toBe(person.userId);
      expect((await tokens.verifyAccessToken(playground.response.access_token)).userId).toBe(person.userId);
    });

    it("concurrent grants after a quiet minute all succeed", { timeout: 60_000 }, async () => {
      const people = await Promise.all(Array.from({ length: 4 }, () => signedInPerson()));
      quietMinute();
      const results = await Promise.allSettled(people.flatMap((person) => [codeExchange(person), personalToken(person), playgroundPair(person)]));
      const failures = results.filter((result) => result.status === "rejected").map((result) => String((result as PromiseRejectedResult).reason));
      expect(failures).toEqual([]);
    });

    it("a refresh after a quiet minute succeeds", { timeout: 30_000 }, async () => {
      const person = await signedInPerson();
      const pair = await codeExchange(person);
      quietMinute();
      const next = await tokens.refresh(native, { refreshToken: pair.refresh_token });
      expect(next.refresh_token).not.toBe(pair.refresh_token);
    });
  });
}

grantSuite("grants on a PostgreSQL pool of exactly one connection", async () => {
  const database = await createTestDatabase("one_connection");
  // Prisma and the plain SQL of the hot paths share that one connection, as they share the app's pool.
  const { db, sql, close } = createDatabase(database.url, { max: 1, preparedStatements: true });
  return {
    db,
    sql,
    async close() {
      await close();
      await database.drop();
    },
  };
});

grantSuite("grants on the embedded database (PGlite)", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-pglite-"));
  const embedded: EmbeddedPostgres = await startOnFreePort((port) => startEmbeddedPostgres({ dataDir: path.join(dataDir, "data"), port }));
  await applyMigrations(embedded.url);
  const { db, sql, close } = createDatabase(embedded.url);
  return {
    db,
    sql,
    async close() {
      await close();
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
