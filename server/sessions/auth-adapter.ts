import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Adapter, AdapterSession } from "@auth/core/adapters";

import type { PrismaClient } from "@/generated/prisma/client";
import type { AuditEntry } from "@/server/audit/audit-log";
import { currentRequestContext } from "@/server/http/request-context";

import { describeClient } from "./describe-client";
import type { SessionService } from "./session-service";

/**
 * Auth.js's Prisma adapter with our sessions: Auth.js still creates a session at sign-in and deletes
 * it at sign-out, but through the session service, so tokens are stored hashed, sessions record the
 * client, lifetimes are ours, and every change reaches the cache.
 */
export function createAuthAdapter(db: PrismaClient, sessions: SessionService, audit: (entry: AuditEntry) => void = () => {}): Adapter {
  return {
    ...PrismaAdapter(db),

    async createSession({ sessionToken, userId }): Promise<AdapterSession> {
      const context = currentRequestContext();
      const client = describeClient(context?.userAgent ?? null, context?.ip ?? null);
      // Auth.js made the token (with our generateSessionToken); the expiry it proposes is replaced by ours.
      const { expires } = await sessions.create(userId, client, sessionToken);
      return { sessionToken, userId, expires };
    },

    async getSessionAndUser(sessionToken) {
      const session = await sessions.resolve(sessionToken);
      if (!session) return null;
      const { user } = session;
      return {
        session: { sessionToken, userId: session.userId, expires: session.expires },
        user: { ...user, email: user.email ?? "" },
      };
    },

    // Auth.js asks to extend the session on activity; activity is recorded by `resolve`, and the
    // absolute lifetime is never extended, so this only reports the current expiry.
    async updateSession({ sessionToken }) {
      const session = await sessions.resolve(sessionToken);
      return session ? { sessionToken, userId: session.userId, expires: session.expires } : null;
    },

    async deleteSession(sessionToken) {
      const ended = await sessions.revokeByToken(sessionToken);
      if (ended) audit({ event: "sign_out", actorId: ended.userId, subjectId: ended.userId, details: { sessionId: ended.sessionId } });
    },
  };
}
