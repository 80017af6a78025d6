/**
 * Session lifetimes, as pure functions of the clock.
 *
 * - The absolute lifetime (`expiresAt`) is fixed at sign-in and never extended by activity.
 * - The idle timeout ends a session nobody used for `idleTimeoutMs`, counted from `lastUsedAt`.
 * - `lastUsedAt` is written at most once per `touchIntervalMs`, not on every request.
 */
export interface SessionLifetimes {
  /** Default 24 hours. */
  idleTimeoutMs: number;
  /** Default 30 days. */
  absoluteLifetimeMs: number;
  /** Default one minute. */
  touchIntervalMs: number;
}

export const DEFAULT_LIFETIMES: SessionLifetimes = {
  idleTimeoutMs: 24 * 60 * 60 * 1000,
  absoluteLifetimeMs: 30 * 24 * 60 * 60 * 1000,
  touchIntervalMs: 60 * 1000,
};

export interface SessionTimes {
  expiresAt: Date;
  lastUsedAt: Date;
}

/**
 * A session's times as a query that LEFT JOINs "Session" returns them (`sessionExpiresAt`,
 * `sessionLastUsedAt`): null when there was no row (signed out, or none to join).
 */
export function joinedSessionTimes(row: { sessionExpiresAt: Date | null; sessionLastUsedAt: Date | null }): SessionTimes | null {
  return row.sessionExpiresAt && row.sessionLastUsedAt ? { expiresAt: row.sessionExpiresAt, lastUsedAt: row.sessionLastUsedAt } : null;
}

/** When the session ends if nobody uses it again: the idle deadline, capped by the absolute one. */
export function effectiveExpiry(session: SessionTimes, lifetimes: SessionLifetimes): Date {
  const idleDeadline = session.lastUsedAt.getTime() + lifetimes.idleTimeoutMs;
  return new Date(Math.min(idleDeadline, session.expiresAt.getTime()));
}

export function isSessionActive(session: SessionTimes, now: Date, lifetimes: SessionLifetimes): boolean {
  return effectiveExpiry(session, lifetimes).getTime() > now.getTime();
}

/** Whether this request should record activity (at most once per touch interval). */
export function isTouchDue(session: Pick<SessionTimes, "lastUsedAt">, now: Date, lifetimes: SessionLifetimes): boolean {
  return now.getTime() - session.lastUsedAt.getTime() >= lifetimes.touchIntervalMs;
}
