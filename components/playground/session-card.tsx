"use client";

import { useSyncExternalStore } from "react";

import { Button } from "@/components/ui/button";
import { SESSION_COOKIE_NAMES } from "@/lib/session-cookie";

import type { LoggedRequest } from "./api-calls";
import { Check, FactList, LastAnswer, StrategyCard } from "./card";
import { formatDateTime, formatDuration } from "./format";
import type { PlaygroundSessionView } from "@/lib/playground-types";

// document.cookie has no change event; reading it once after hydration is what this demonstration needs.
const subscribeToNothing = () => () => {};
const cookieNamesSeenByScript = () =>
  document.cookie
    .split(";")
    .map((pair) => pair.split("=")[0]!.trim())
    .filter(Boolean)
    .join(", ");
const sessionCookieSeenByScript = () => cookieNamesSeenByScript().split(", ").some((name) => (SESSION_COOKIE_NAMES as readonly string[]).includes(name));

/** The browser session: the cookie's attributes, what page scripts can see of it, and its stored row. */
export function SessionCard({
  session,
  busy,
  lastAnswer,
  onCall,
}: {
  session: PlaygroundSessionView;
  busy: boolean;
  lastAnswer: LoggedRequest | undefined;
  onCall: (credential: "cookie" | "none") => void;
}) {
  // Null while rendering on the server, where there is no document.cookie to ask.
  const seen = useSyncExternalStore(subscribeToNothing, sessionCookieSeenByScript, () => null);
  const names = useSyncExternalStore(subscribeToNothing, cookieNamesSeenByScript, () => null);
  const { cookie, row } = session;

  return (
    <StrategyCard
      id="session-card"
      title="Session (cookie)"
      tag="browser ↔ this site"
      accent="sky"
      intro={
        <>
          <p>
            For the browser talking to its own site. The cookie holds 256 random bits and nothing else; the server looks them up on every request (Redis,
            then PostgreSQL), so a session ended anywhere is refused on its very next request.
          </p>
          <p>
            <strong>HttpOnly</strong> keeps it out of JavaScript&apos;s reach, so a script injected into a page cannot carry it off; <strong>SameSite=Lax</strong>{" "}
            and an Origin check keep other sites from riding on it.
          </p>
        </>
      }
      actions={
        <>
          <Button type="button" className="w-full" disabled={busy} onClick={() => onCall("cookie")}>
            Call /api/v1/me with the cookie
          </Button>
          <Button type="button" variant="secondary" className="w-full" disabled={busy} onClick={() => onCall("none")}>
            Call /api/v1/me with no credential
          </Button>
          <LastAnswer entry={lastAnswer} />
        </>
      }
    >
      <div className="space-y-2">
        <h3 className="text-sm font-semibold">The cookie, as the server sets it</h3>
        <FactList
          facts={[
            ["Name", <span key="name" className="break-all font-mono text-xs">{cookie.name}</span>],
            [
              "Value",
              <span key="value">
                <span className="font-mono text-xs">{cookie.valuePrefix}…</span> <span className="text-slate-500 dark:text-slate-400">(the database stores only its SHA-256)</span>
              </span>,
            ],
            ["HttpOnly", <Check key="httponly" ok>page scripts cannot read it</Check>],
            ["SameSite", "Lax: sent on top-level navigations from other sites, not on their requests"],
            [
              "Secure",
              cookie.secure ? (
                <Check key="secure" ok>
                  HTTPS only
                </Check>
              ) : (
                <Check key="secure" ok={false}>
                  not over plain http (on HTTPS it is Secure, named __Host-…)
                </Check>
              ),
            ],
            ["Path", <span key="path" className="font-mono text-xs">/</span>],
            [
              "Expires",
              <span key="expires">
                {formatDateTime(cookie.expires)}{" "}
                <span className="text-slate-500 dark:text-slate-400">
                  ({formatDuration(session.idleTimeoutSeconds)} after the last request, renewed with activity, never past {formatDuration(session.absoluteLifetimeSeconds)} after sign-in)
                </span>
              </span>,
            ],
          ]}
        />
        <div className="space-y-1 rounded-md bg-sky-50 p-3 text-sm dark:bg-sky-950/50">
          <p>
            JavaScript on this page sees the session cookie: <strong>{seen === null ? "checking…" : seen ? "yes" : "no"}</strong>
          </p>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            <code>document.cookie</code> holds: {names === null ? "…" : names === "" ? "nothing at all" : <span className="font-mono">{names}</span>}
          </p>
        </div>
      </div>

      <div className="space-y-2">
        <h3 className="text-sm font-semibold">The stored row</h3>
        {row ? (
          <FactList
            facts={[
              ["Session id", <span key="id" className="break-all font-mono text-xs">{row.id}</span>],
              ["Device", [row.browser ?? "Unknown browser", row.os ? `on ${row.os}` : null, row.deviceType ? `(${row.deviceType})` : null].filter(Boolean).join(" ")],
              ["IP address", row.ip ?? "unknown"],
              ["Signed in", formatDateTime(row.createdAt)],
              ["Last used", formatDateTime(row.lastUsedAt)],
              ["Ends by", formatDateTime(row.expiresAt)],
              ["Token", "its SHA-256 hash, never the token"],
            ]}
          />
        ) : (
          <p className="text-sm">This session could not be found: it may have just ended.</p>
        )}
      </div>
    </StrategyCard>
  );
}
