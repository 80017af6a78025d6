"use client";

import { unstable_rethrow, useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";

import { Button } from "@/components/ui/button";

import { AccessTokenCard, type AccessTokenCall } from "./access-token-card";
import { callMe, refreshPair, type LoggedRequest, type Outcome, type RequestSource } from "./api-calls";
import { formatDuration } from "./format";
import { checkAccessTokenSignature, forgeAccessToken, type SignatureCheck } from "./jwt-inspection";
import type { PlaygroundFamily, PlaygroundOverview, PlaygroundTokenPair, StartPlaygroundResult } from "@/lib/playground-types";
import { RefreshFamilyCard, type RefreshTokensInMemory } from "./refresh-family-card";
import { RequestLog } from "./request-log";
import { SessionCard } from "./session-card";
import { useNow } from "./use-now";

/** The pair this page holds: in memory only, as a careful browser client would (no localStorage). */
interface HeldPair {
  accessToken: string;
  /** Received + expires_in, by this browser's clock. */
  accessExpiresAt: number;
  refresh: RefreshTokensInMemory;
}

/**
 * The playground: three credentials side by side, each with its buttons, and one log of what every
 * button sent and got back. The server action issues the first pair; everything after that goes
 * through the same public endpoints any client would call.
 */
export function TokenPlayground({
  overview,
  startAction,
  describeAction,
}: {
  overview: PlaygroundOverview;
  /** Starts a family bound to this session, revoking the one the page held (if any). */
  startAction: (replacingFamilyId: string | null) => Promise<StartPlaygroundResult>;
  describeAction: (familyId: string) => Promise<PlaygroundFamily | null>;
}) {
  const settings = overview.tokens;
  const router = useRouter();
  const [pair, setPair] = useState<HeldPair | null>(null);
  const [family, setFamily] = useState<PlaygroundFamily | null>(null);
  const [signature, setSignature] = useState<{ token: string; check: SignatureCheck } | null>(null);
  const [log, setLog] = useState<LoggedRequest[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, startTransition] = useTransition();
  const nextLogId = useRef(1);
  const heldAccessToken = useRef<string | null>(null);
  const now = useNow(pair !== null);

  function record(outcome: Outcome, note?: string) {
    const entry: LoggedRequest = { ...outcome, id: nextLogId.current++, note };
    setLog((entries) => [entry, ...entries]);
  }

  function hold(tokens: PlaygroundTokenPair, previousRefreshToken: string | null, rotatedAt: number | null) {
    setPair({
      accessToken: tokens.access_token,
      accessExpiresAt: Date.now() + tokens.expires_in * 1000,
      refresh: { current: tokens.refresh_token, previous: previousRefreshToken, rotatedAt },
    });
    heldAccessToken.current = tokens.access_token;
    // Only the token still held gets its result: a slow check of a replaced token must not land on its successor.
    void checkAccessTokenSignature(tokens.access_token, settings).then((check) => {
      if (heldAccessToken.current === tokens.access_token) setSignature({ token: tokens.access_token, check });
    });
  }

  /**
   * After an action failed: if the session has ended (signed out in another tab, revoked from another
   * device), go and sign in again. The proxy answers such an action with Next's redirect instruction,
   * which arrives here as the redirect error `unstable_rethrow` passes on; the probe covers an action
   * that failed some other way (the network, a server error) just as the session ended.
   * @returns whether it did.
   */
  async function signInAgainIfSessionEnded(error: unknown): Promise<boolean> {
    unstable_rethrow(error); // The action's own redirect (requireSession) goes through as it is.
    const probe = await fetch("/api/v1/me", { credentials: "same-origin", cache: "no-store" }).catch(() => null);
    if (probe?.status !== 401) return false;
    router.push("/signin?callbackUrl=%2Fplayground");
    return true;
  }

  /**
   * Redraws the family card from the database; a failed read keeps what is shown (the log still has the
   * answer). When the session has ended, the redirect to sign in goes on up instead, and the page leaves.
   */
  async function refreshFamily(familyId: string): Promise<PlaygroundFamily | null> {
    try {
      const described = await describeAction(familyId);
      if (described) setFamily(described);
      return described;
    } catch (error) {
      await signInAgainIfSessionEnded(error);
      return null;
    }
  }

  function issuePair() {
    startTransition(async () => {
      setProblem(null);
      let result: StartPlaygroundResult;
      try {
        result = await startAction(family?.id ?? null);
      } catch (error) {
        if (await signInAgainIfSessionEnded(error)) return;
        result = { ok: false, message: "The pair could not be issued: the server did not answer. Please try again." };
      }
      if (!result.ok) {
        setProblem(result.message);
        return;
      }
      setFamily(result.family);
      hold(result.tokens, null, null);
    });
  }

  function callWithSession(credential: "cookie" | "none") {
    startTransition(async () => {
      const outcome = await callMe({ kind: credential }, "session");
      record(outcome, meNote(credential, outcome));
    });
  }

  function callWithAccessToken(call: AccessTokenCall) {
    if (!pair) return;
    startTransition(async () => {
      if (call === "access-token") {
        const outcome = await callMe({ kind: "bearer", token: pair.accessToken, label: "access token" }, "access-token");
        const note =
          outcome.status === 200
            ? "Verified with the public key, then checked against the denylist. The request carried no cookie: no session was involved."
            : family?.revokedAt
              ? "Refused (invalid_token): the token's family was revoked, so its jti is on the denylist. Its signature is as good as ever."
              : pair.accessExpiresAt <= Date.now()
                ? "Refused (invalid_token): the token has expired. A client would now use its refresh token."
                : undefined;
        return record(outcome, note);
      }
      const forged = forgeAccessToken(pair.accessToken);
      const [outcome, check] = await Promise.all([
        callMe({ kind: "bearer", token: forged, label: "forged access token" }, "access-token"),
        checkAccessTokenSignature(forged, settings),
      ]);
      record(
        outcome,
        `The payload says "sub": "someone-else", but the signature was made over the original payload: refused before any claim is believed.${
          check.valid ? "" : ` This browser's check agrees: ${check.reason}.`
        }`,
      );
    });
  }

  function rotate() {
    if (!pair || !family) return;
    startTransition(async () => {
      const { outcome, pair: next } = await refreshPair({ refreshToken: pair.refresh.current, clientId: settings.clientId, label: "refresh token" });
      if (next) hold(next, pair.refresh.current, Date.now());
      const described = await refreshFamily(family.id);
      record(
        outcome,
        next
          ? `Rotated: the token sent is retired and a new pair came back (refresh token #${described?.tokens.length ?? "?"}). The retired one has a ${settings.reuseGraceSeconds}-second grace window.`
          : described?.revokedAt
            ? `No new pair: the family was revoked (${described.revokedReason}), and every token of it with it.`
            : undefined,
      );
    });
  }

  function replay() {
    const previous = pair?.refresh.previous;
    if (!pair || !family || !previous) return;
    startTransition(async () => {
      const { outcome, pair: answer } = await refreshPair({ refreshToken: previous, clientId: settings.clientId, label: "previous refresh token" });
      const described = await refreshFamily(family.id);
      const note = answer
        ? answer.refresh_token === pair.refresh.current
          ? "The same successor as the current refresh token: inside the grace window a replay is taken for an honest race (two tabs refreshing at once) and answered with the pair already issued. Nothing was revoked."
          : "A new pair came back."
        : described?.revokedReason === "refresh_token_reuse" && !family.revokedAt
          ? "Reuse detected: a retired refresh token came back after its grace window, so the whole family was revoked: every refresh token of the chain, and the access tokens they issued."
          : described?.revokedAt
            ? `Refused: the family was already revoked (${described.revokedReason}).`
            : undefined;
      record(outcome, note);
    });
  }

  const lastAnswer = (source: RequestSource) => log.find((entry) => entry.source === source);

  return (
    <div className="space-y-6">
      <section
        aria-labelledby="issue-heading"
        className="flex flex-col gap-4 rounded-xl border border-slate-200 bg-slate-50 p-4 sm:flex-row sm:items-center sm:justify-between dark:border-slate-800 dark:bg-slate-900/60"
      >
        <div className="space-y-1">
          <h2 id="issue-heading" className="text-lg font-semibold">
            {pair ? "Your token pair" : "Get a token pair"}
          </h2>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Asks the server, with your session cookie, to start a refresh-token family for the public client <code>{settings.clientId}</code> with the scopes{" "}
            <code>{settings.scopes.join(" ")}</code>: an access token ({formatDuration(settings.accessTokenTtlSeconds)}) and a refresh token, as the token
            endpoint would answer. The family is bound to this browser session, so signing out revokes it.
            {pair ? " Starting over revokes this family first." : null}
          </p>
          {problem ? (
            <p role="status" className="text-sm font-medium text-rose-700 dark:text-rose-400">
              {problem}
            </p>
          ) : null}
        </div>
        <Button type="button" className="shrink-0" disabled={busy} onClick={issuePair}>
          {pair ? "Start over with a new pair" : "Issue a token pair"}
        </Button>
      </section>

      <div className="grid gap-4 lg:grid-cols-3">
        <SessionCard session={overview.session} busy={busy} lastAnswer={lastAnswer("session")} onCall={callWithSession} />
        <AccessTokenCard
          settings={settings}
          accessToken={pair?.accessToken ?? null}
          expiresAt={pair?.accessExpiresAt ?? null}
          signature={pair && signature?.token === pair.accessToken ? signature.check : null}
          familyRevoked={Boolean(family?.revokedAt)}
          now={now}
          busy={busy}
          lastAnswer={lastAnswer("access-token")}
          onCall={callWithAccessToken}
        />
        <RefreshFamilyCard
          settings={settings}
          tokens={pair?.refresh ?? null}
          family={family}
          now={now}
          busy={busy}
          lastAnswer={lastAnswer("refresh-token")}
          onRotate={rotate}
          onReplay={replay}
        />
      </div>

      <RequestLog entries={log} />
    </div>
  );
}

function meNote(credential: "cookie" | "none", outcome: Outcome): string | undefined {
  if (credential === "cookie") {
    return outcome.status === 200
      ? "The cookie alone was enough: the server hashed its token and found this session (the browser added the cookie; this page's script never saw it)."
      : undefined;
  }
  return outcome.status === 401 ? "No credential at all: a bare challenge, with no error code (RFC 6750 §3.1)." : undefined;
}
