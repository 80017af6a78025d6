import type { TokenPair } from "@/lib/token-response";

/**
 * What the playground's server side hands its client components: plain, serialisable data (dates as ISO
 * strings), and never a secret but the token pair the person asked for.
 */

/** The browser session, as the person's own browser holds it and as the database stores it. */
export interface PlaygroundSessionView {
  cookie: {
    name: string;
    /** The first characters of the token, enough to recognise it, never enough to use it. */
    valuePrefix: string;
    secure: boolean;
    /** The session's current end (idle deadline capped by the absolute one), which the cookie's Expires follows. */
    expires: string;
  };
  /** The stored row (null only if the session ended while the page was being rendered). */
  row: {
    id: string;
    createdAt: string;
    lastUsedAt: string;
    expiresAt: string;
    browser: string | null;
    os: string | null;
    deviceType: string | null;
    ip: string | null;
  } | null;
  idleTimeoutSeconds: number;
  absoluteLifetimeSeconds: number;
}

/** The authorization server's settings the playground explains. */
export interface PlaygroundTokenSettings {
  issuer: string;
  audience: string;
  clientId: string;
  scopes: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  familyMaxAgeSeconds: number;
  reuseGraceSeconds: number;
}

export interface PlaygroundOverview {
  userId: string;
  session: PlaygroundSessionView;
  tokens: PlaygroundTokenSettings;
}

/** One refresh token of a family's chain: ids, times and state only (the database holds only its hash). */
export interface PlaygroundChainLink {
  id: string;
  createdAt: string;
  expiresAt: string;
  retiredAt: string | null;
  successorId: string | null;
  accessTokenJti: string;
  accessTokenExpiresAt: string;
}

export interface PlaygroundFamily {
  id: string;
  clientId: string;
  clientName: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /** Oldest first: the first token issued, then each successor. */
  tokens: PlaygroundChainLink[];
}

/** The pair the playground holds: the token endpoint's success body, as every grant answers it. */
export type PlaygroundTokenPair = TokenPair;

export type StartPlaygroundResult = { ok: true; family: PlaygroundFamily; tokens: PlaygroundTokenPair } | { ok: false; message: string };
