import { randomInt } from "node:crypto";

import { DEVICE_CODE_GRANT_TYPE } from "@/lib/grant-types";
import { sha256Hex } from "@/server/crypto/secret-hash";

import { scopesWithinClient, type OAuthClient } from "./clients";
import { OAuthError } from "./errors";
import { generateOpaqueToken, hashOpaqueToken } from "./opaque-token";
import type { TokenContext } from "./token-context";

/**
 * The device authorization grant's first half (RFC 8628 §3.1–3.3): a device asks for a code pair, and a
 * person decides on /device. The second half, the device's polling, is grants/device-code.ts.
 */

/** RFC 8628 §6.1's example alphabet: 20 consonants, no vowels (no words), no digits (no 0/O or 1/I). */
export const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LENGTH = 8;
const USER_CODE = new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`);

/** 8 characters drawn uniformly (20^8 ≈ 2.6 × 10^10 codes), stored as SHA-256. */
function generateUserCode(): string {
  let code = "";
  for (let index = 0; index < USER_CODE_LENGTH; index += 1) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** XXXX-XXXX, as the device shows it. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A code as a person typed it: any case, with or without the dash and spaces. Null when it cannot be one
 * of ours: it never reaches the database.
 */
export function normalizeUserCode(input: string): string | null {
  if (input.length > 32) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, "");
  return USER_CODE.test(code) ? code : null;
}

const userCodeHash = (code: string) => sha256Hex(`user-code:${code}`);

export interface DeviceAuthorization {
  deviceCode: string;
  /** Normalised (no dash): format it for display. */
  userCode: string;
  expiresIn: number;
  interval: number;
}

/**
 * RFC 8628 §3.1: a client registered for the device grant asks for a code pair for `scopes` (a subset of
 * its own; none asked for: all of them).
 * @throws {OAuthError} unauthorized_client, invalid_scope
 */
export async function startDeviceAuthorization({ db, config, now }: TokenContext, client: OAuthClient, input: { scopes?: string[] }): Promise<DeviceAuthorization> {
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE)) throw new OAuthError("unauthorized_client", "This client may not use the device authorization grant.");
  const scopes = scopesWithinClient(client, input.scopes);
  const deviceCode = generateOpaqueToken("deviceCode");
  // A user code still held by a live (or not yet pruned) row is drawn again; with 2.6 × 10^10 codes that is rare.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const userCode = generateUserCode();
    const created = await db.deviceCode.createMany({
      data: {
        deviceCodeHash: hashOpaqueToken(deviceCode),
        userCodeHash: userCodeHash(userCode),
        clientId: client.id,
        scopes,
        interval: config.devicePollIntervalSeconds,
        expiresAt: new Date(now().getTime() + config.deviceCodeTtlSeconds * 1000),
        createdAt: now(),
      },
      skipDuplicates: true,
    });
    if (created.count === 1) return { deviceCode, userCode, expiresIn: config.deviceCodeTtlSeconds, interval: config.devicePollIntervalSeconds };
  }
  throw new Error("could not draw a free user code in 5 attempts");
}

/** What /device shows a person before they decide. */
export interface PendingDeviceCode {
  id: string;
  client: { id: string; name: string; verified: boolean };
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
}

/**
 * The pending, unexpired request a (normalised) user code names, or null: unknown, expired, or already
 * decided (by anyone) all look the same.
 */
export async function findPendingDeviceCode({ db, now }: TokenContext, userCode: string): Promise<PendingDeviceCode | null> {
  const row = await db.deviceCode.findUnique({
    where: { userCodeHash: userCodeHash(userCode) },
    select: { id: true, status: true, scopes: true, createdAt: true, expiresAt: true, client: { select: { id: true, name: true, firstParty: true, disabledAt: true } } },
  });
  if (!row || row.status !== "pending" || row.expiresAt <= now() || row.client.disabledAt) return null;
  // Verified: a first-party client, registered by the operator as their own (the app, not the request).
  return { id: row.id, client: { id: row.client.id, name: row.client.name, verified: row.client.firstParty }, scopes: row.scopes, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

/**
 * A person's decision on the pending request they were shown (`deviceCodeId`, as found by its user code).
 * Only a pending, unexpired request of a live client can be decided, once: a second decision (by anyone)
 * finds nothing to decide.
 * @returns false when there was nothing to decide.
 */
export async function decideDeviceCode(context: TokenContext, input: { deviceCodeId: string; userCode: string; userId: string; approve: boolean }): Promise<boolean> {
  const { db, now, audit } = context;
  const decided = await db.deviceCode.updateManyAndReturn({
    where: { id: input.deviceCodeId, userCodeHash: userCodeHash(input.userCode), status: "pending", expiresAt: { gt: now() }, client: { disabledAt: null } },
    data: { status: input.approve ? "approved" : "denied", userId: input.userId, decidedAt: now() },
    select: { id: true, clientId: true, scopes: true },
  });
  const [row] = decided;
  if (!row) return false;
  audit({
    event: input.approve ? "device_code_approved" : "device_code_denied",
    actorId: input.userId,
    subjectId: input.userId,
    details: { deviceCodeId: row.id, clientId: row.clientId, scopes: row.scopes },
  });
  return true;
}
