import { randomBytes } from "node:crypto";

import type { Client, PrismaClient } from "@/generated/prisma/client";
import type { AuditEntry } from "@/server/audit/audit-log";
import { generateOpaqueToken, hashOpaqueToken } from "@/server/tokens/opaque-token";

import { newClientSchema, rotationOverlapSchema, type NewClientInput } from "./client-input";

/** A client as the registry shows it: never a secret's hash. */
export type RegisteredClient = Omit<Client, "secretHash" | "previousSecretHash">;

export interface ClientRegistryDeps {
  db: PrismaClient;
  /** Revokes every token family of a client and its unused codes (revokeAllForClient in family-revocation.ts). */
  revokeTokensOfClient: (clientId: string, actorId: string | null) => Promise<number>;
  /** Told of every change, so this process's client cache drops its copy at once (the app passes its cache's `forget`). */
  onClientChanged?: (clientId: string) => void;
  audit?: (entry: AuditEntry) => void;
  now?: () => Date;
}

const OMIT_SECRETS = { secretHash: true, previousSecretHash: true } as const;

/**
 * The client registry: registering, listing, rotating secrets and revoking, for the CLI
 * (scripts/clients.ts) and /admin/clients alike. Every change is audited with who made it (null: the CLI).
 *
 * Secrets are 256-bit random (opaque-token.ts), returned once and stored as SHA-256; a rotation keeps
 * the old one working for a stated overlap. The app's processes read client rows through a cache kept at
 * most a second (server/tokens/client-cache.ts), so every change here reaches them within a second, and
 * the process that made it at once (`onClientChanged`).
 */
export function createClientRegistry({ db, revokeTokensOfClient, onClientChanged = () => {}, audit = () => {}, now = () => new Date() }: ClientRegistryDeps) {
  return {
    /**
     * Registers a client; a confidential one gets its secret, shown here and never again.
     * @throws {z.ZodError} for input the registry refuses (client-input.ts says what).
     */
    async create(input: NewClientInput, actorId: string | null = null): Promise<{ client: RegisteredClient; clientSecret?: string }> {
      const fields = newClientSchema.parse(input);
      const clientSecret = fields.type === "confidential" ? generateOpaqueToken("clientSecret") : undefined;
      const client = await db.client.create({
        data: { id: newClientId(fields.name), ...fields, secretHash: clientSecret ? hashOpaqueToken(clientSecret) : null, ownerId: actorId },
        omit: OMIT_SECRETS,
      });
      audit({ event: "client_created", actorId, details: { clientId: client.id, type: client.type, grantTypes: client.grantTypes, scopes: client.scopes } });
      return { client, clientSecret };
    },

    /** Every client, the built-in ones included, newest first. */
    list(): Promise<RegisteredClient[]> {
      return db.client.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }], omit: OMIT_SECRETS });
    },

    /**
     * A new secret for a confidential client; the current one keeps working for `overlapSeconds` (0:
     * it stops now, as after a leak). A secret from an earlier rotation stops at once.
     * @returns null when there is no such live confidential client.
     */
    async rotateSecret(clientId: string, overlapSeconds: number, actorId: string | null = null): Promise<{ clientSecret: string; previousSecretExpiresAt: Date | null } | null> {
      const overlap = rotationOverlapSchema.parse(overlapSeconds);
      const client = await db.client.findUnique({ where: { id: clientId }, select: { type: true, secretHash: true, disabledAt: true } });
      if (!client || client.type !== "confidential" || client.disabledAt) return null;
      const clientSecret = generateOpaqueToken("clientSecret");
      const previousSecretExpiresAt = overlap > 0 && client.secretHash ? new Date(now().getTime() + overlap * 1000) : null;
      // Only if the secret is still the one just read: of two rotations at once, one wins.
      const rotated = await db.client.updateMany({
        where: { id: clientId, secretHash: client.secretHash, disabledAt: null },
        data: { secretHash: hashOpaqueToken(clientSecret), previousSecretHash: previousSecretExpiresAt ? client.secretHash : null, previousSecretExpiresAt },
      });
      if (rotated.count === 0) return null;
      onClientChanged(clientId);
      audit({ event: "client_secret_rotated", actorId, details: { clientId, previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null } });
      return { clientSecret, previousSecretExpiresAt };
    },

    /**
     * Revokes a client: it authenticates no more (its secrets are erased), every family issued to it is
     * revoked, and Gatehouse refuses its own tokens within a second. A resource server that verifies
     * access tokens itself against the JWKS accepts a client-credentials token until it expires (15
     * minutes by default), unless it introspects.
     * @returns false when there is no such client or it was already revoked.
     */
    async revoke(clientId: string, actorId: string | null = null): Promise<boolean> {
      const revoked = await db.client.updateMany({
        where: { id: clientId, disabledAt: null },
        data: { disabledAt: now(), secretHash: null, previousSecretHash: null, previousSecretExpiresAt: null },
      });
      onClientChanged(clientId);
      if (revoked.count === 0) return false;
      const families = await revokeTokensOfClient(clientId, actorId);
      audit({ event: "client_revoked", actorId, details: { clientId, familiesRevoked: families } });
      return true;
    },
  };
}

export type ClientRegistry = ReturnType<typeof createClientRegistry>;

/** A readable, unguessable id: the name's slug and 48 random bits, e.g. `billing-service-3f9a2c1d7e4b`. */
function newClientId(name: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `${slug || "client"}-${randomBytes(6).toString("hex")}`;
}
