import "server-only";

import type { PlaygroundOverview } from "@/lib/playground-types";
import { requestSessionCookie } from "@/server/auth/current-session";
import { getEnv } from "@/server/env";
import { getSessionService, getTokenConfig } from "@/server/services";

import { PLAYGROUND_CLIENT_ID, PLAYGROUND_SCOPES } from "./playground-family";

/** Enough of the cookie's token to recognise it next to the browser's devtools; 36 of its 256 bits. */
const COOKIE_PREFIX_LENGTH = 6;

/**
 * Everything the playground shows about the person's browser session and the token settings, read
 * once when the page renders. The session is the one the caller resolved (`requireSession`), so
 * the row shown is always the caller's own.
 */
export async function getPlaygroundOverview(session: { sessionId: string; userId: string; expires: Date }): Promise<PlaygroundOverview> {
  const cookie = await requestSessionCookie();
  const rows = await getSessionService().list(session.userId);
  const row = rows.find((candidate) => candidate.id === session.sessionId) ?? null;
  const { sessionLifetimes } = getEnv();
  const config = getTokenConfig();

  return {
    userId: session.userId,
    session: {
      cookie: {
        // The proxy already required the cookie; the fallback only keeps the types honest.
        name: cookie?.name ?? "authjs.session-token",
        valuePrefix: cookie?.value.slice(0, COOKIE_PREFIX_LENGTH) ?? "",
        // Auth.js and the proxy set Secure exactly when the name carries a __Host- or __Secure- prefix (HTTPS).
        secure: cookie?.name.startsWith("__") ?? false,
        expires: session.expires.toISOString(),
      },
      row: row
        ? {
            id: row.id,
            createdAt: row.createdAt.toISOString(),
            lastUsedAt: row.lastUsedAt.toISOString(),
            expiresAt: row.expiresAt.toISOString(),
            browser: row.browser,
            os: row.os,
            deviceType: row.deviceType,
            ip: row.ip,
          }
        : null,
      idleTimeoutSeconds: Math.round(sessionLifetimes.idleTimeoutMs / 1000),
      absoluteLifetimeSeconds: Math.round(sessionLifetimes.absoluteLifetimeMs / 1000),
    },
    tokens: {
      issuer: config.issuer,
      audience: config.audience,
      clientId: PLAYGROUND_CLIENT_ID,
      scopes: [...PLAYGROUND_SCOPES],
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      familyMaxAgeSeconds: config.familyMaxAgeSeconds,
      reuseGraceSeconds: config.reuseGraceSeconds,
    },
  };
}
