/**
 * What the benchmarks present to the server: a person with a browser session, an access token, refresh
 * token families, authorization codes and a service's client credentials. They are made in this process with the app's own libraries,
 * on the server's database and with its key-encryption key and issuer, so the server takes them as its own.
 */
import { createHash, randomBytes } from "node:crypto";

import { createClientRegistry } from "../server/clients/client-registry";
import { createDatabase } from "../server/database";
import { noSessionCache } from "../server/sessions/session-cache";
import { DEFAULT_LIFETIMES } from "../server/sessions/session-policy";
import { createSessionService } from "../server/sessions/session-service";
import { maxTokenLifetimeMs } from "../server/tokens/key-schedule";
import { createSigningKeyStore } from "../server/tokens/key-store";
import { createRevocationList } from "../server/tokens/revocation-list";
import { apiAudience, DEFAULT_TOKEN_TIMINGS } from "../server/tokens/token-config";
import { createTokenService } from "../server/tokens/token-service";

/** The built-in public client that personal tokens belong to (refresh_token grant only). */
export const PERSONAL_CLIENT_ID = "gatehouse-personal";
/** The built-in example native app (authorization_code with PKCE), and its one redirect URI. */
export const NATIVE_CLIENT_ID = "gatehouse-example-native";
export const NATIVE_REDIRECT_URI = "http://127.0.0.1:8976/callback";
/** One PKCE verifier for every benchmark code (RFC 7636 §4.1: 43 to 128 characters). */
export const CODE_VERIFIER = randomBytes(48).toString("base64url");
const CODE_CHALLENGE = createHash("sha256").update(CODE_VERIFIER).digest("base64url");

export interface BenchFixtures {
  /** `authjs.session-token=<token>`: the production cookie over plain http. */
  sessionCookie: string;
  sessionToken: string;
  accessToken: string;
  /** Access tokens of `people` people, `perPerson` each: a Bearer load that is not one token's cache hits. */
  accessTokenPool(people: number, perPerson: number): Promise<string[]>;
  /** New refresh-token families (a fresh supply for each measurement: see grant-load.ts). */
  mintRefreshTokens(count: number): Promise<string[]>;
  /** Fresh authorization codes (they live a minute, so they are made just before each round). */
  mintCodes(count: number): Promise<string[]>;
  /** A confidential service registered for client_credentials, as the registry makes one. */
  service: { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

export async function createBenchFixtures(options: { databaseUrl: string; issuer: string; encryptionKey: Uint8Array }): Promise<BenchFixtures> {
  const database = createDatabase(options.databaseUrl);
  const { db, sql } = database;
  const config = { ...DEFAULT_TOKEN_TIMINGS, issuer: options.issuer, audience: apiAudience(options.issuer) };
  const lifetimeMs = maxTokenLifetimeMs(config.accessTokenTtlSeconds);
  const keys = createSigningKeyStore({ db, encryptionKey: options.encryptionKey, maxTokenLifetimeMs: lifetimeMs });
  const revocations = createRevocationList({ db, sql, redis: null, maxTokenLifetimeMs: lifetimeMs });
  const tokens = createTokenService({ db, sql, keys, revocations, config });
  const sessions = createSessionService({ db, sql, cache: noSessionCache, lifetimes: DEFAULT_LIFETIMES });

  const user = (await db.user.findFirst({ where: { email: "bench@example.com" } })) ?? (await db.user.create({ data: { name: "Bench User", email: "bench@example.com" } }));
  const client = { userAgent: "autocannon", browser: null, os: null, deviceType: null, ip: null };
  const { token, sessionId: session } = await sessions.create(user.id, client);
  const issue = (name: string, userId = user.id, issuingSessionId = session) =>
    tokens.issueFamily({ kind: "personal", clientId: PERSONAL_CLIENT_ID, userId, scopes: ["profile", "notes:read"], name, issuingSessionId });
  const { response } = await issue("bench: Bearer route");
  let minted = 0;
  const registry = createClientRegistry({ db, revokeTokensOfClient: async () => 0 });
  const registered = await registry.create({ name: "Bench service", grantTypes: ["client_credentials"], scopes: ["notes:read"] });

  return {
    sessionCookie: `authjs.session-token=${token}`,
    sessionToken: token,
    accessToken: response.access_token,
    async accessTokenPool(people, perPerson) {
      const pool: string[] = [];
      for (let person = 0; person < people; person += 1) {
        const other = await db.user.create({ data: { name: `Bench Person ${person}` } });
        const { sessionId } = await sessions.create(other.id, client);
        const pairs = await Promise.all(Array.from({ length: perPerson }, (_, index) => issue(`bench: pool ${index}`, other.id, sessionId)));
        pool.push(...pairs.map((pair) => pair.response.access_token));
      }
      return pool;
    },
    async mintRefreshTokens(count) {
      const families = await Promise.all(Array.from({ length: count }, () => issue(`bench: refresh chain ${(minted += 1)}`)));
      return families.map((family) => family.response.refresh_token);
    },
    async mintCodes(count) {
      const codes: string[] = [];
      // Ten at a time: quick to make, without crowding the pool.
      for (let start = 0; start < count; start += 10) {
        const batch = Array.from({ length: Math.min(10, count - start) }, () =>
          tokens.createAuthorizationCode({ clientId: NATIVE_CLIENT_ID, userId: user.id, redirectUri: NATIVE_REDIRECT_URI, scopes: ["profile"], codeChallenge: CODE_CHALLENGE, issuingSessionId: session }),
        );
        codes.push(...(await Promise.all(batch)));
      }
      return codes;
    },
    service: { clientId: registered.client.id, clientSecret: registered.clientSecret! },
    close: () => database.close(),
  };
}
