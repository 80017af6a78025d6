"use client";

import { Button } from "@/components/ui/button";

import type { LoggedRequest } from "./api-calls";
import { FactList, LastAnswer, StrategyCard } from "./card";
import { formatClock, formatCountdown, formatDateTime, formatDuration, truncateSecret } from "./format";
import type { PlaygroundChainLink, PlaygroundFamily, PlaygroundTokenSettings } from "@/lib/playground-types";

/** Why a family ended, in words. */
const revocationReasons: Record<string, string> = {
  refresh_token_reuse:
    "A refresh token that had already been rotated came back after its grace window. Two parties held it and the server cannot tell the thief from the owner, so the whole family went: every refresh token of the chain, and the access tokens they issued (denied by jti until they expire).",
  session_ended: "The browser session it was bound to ended (signed out or revoked), and its token families ended with it.",
  revoked_by_user: "You revoked it (starting over, or from Devices & access).",
  sign_out_everywhere: "“Sign out everywhere” revoked every token family of the account.",
};

export interface RefreshTokensInMemory {
  current: string;
  previous: string | null;
  /** When the last rotation's answer arrived, by this browser's clock (the grace window counts from about then). */
  rotatedAt: number | null;
}

/** The refresh token family: the tokens this page holds, the grace window, and the chain of rotations. */
export function RefreshFamilyCard({
  settings,
  tokens,
  family,
  now,
  busy,
  lastAnswer,
  onRotate,
  onReplay,
}: {
  settings: PlaygroundTokenSettings;
  tokens: RefreshTokensInMemory | null;
  family: PlaygroundFamily | null;
  now: number;
  busy: boolean;
  lastAnswer: LoggedRequest | undefined;
  onRotate: () => void;
  onReplay: () => void;
}) {
  const grace = settings.reuseGraceSeconds;
  // The browser's clock starts when the answer arrived, a little after the server retired the token: so
  // when this reaches zero, the server's window has certainly closed too.
  const graceLeft = tokens?.rotatedAt ? Math.min(grace, (tokens.rotatedAt + grace * 1000 - Math.max(now, tokens.rotatedAt)) / 1000) : null;

  return (
    <StrategyCard
      id="refresh-family-card"
      title="Refresh token family"
      tag="client ↔ token endpoint"
      accent="amber"
      intro={
        <>
          <p>
            For getting new access tokens without asking the person again. An opaque random string, stored only as a SHA-256 hash, sent only to the token
            endpoint (never to an API).
          </p>
          <p>
            <strong>Each use rotates it:</strong> the token presented retires and a successor comes back, so the chain grows into a family. A retired token
            presented again means two parties hold it and one is a thief; the server cannot tell which, so it revokes the whole family (RFC 9700 §4.14.2).
          </p>
        </>
      }
      actions={
        <>
          <Button type="button" className="w-full" disabled={busy || !tokens} onClick={onRotate}>
            Rotate the refresh token
          </Button>
          <Button type="button" variant="secondary" className="w-full" disabled={busy || !tokens?.previous} onClick={onReplay}>
            Replay the previous refresh token
          </Button>
          {!tokens?.previous ? <p className="text-xs text-slate-600 dark:text-slate-400">Rotate once first: only a retired token can be replayed.</p> : null}
          <LastAnswer entry={lastAnswer} />
        </>
      }
    >
      {!tokens || !family ? (
        <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No family yet. Issue a token pair above to start one.
        </p>
      ) : (
        <>
          {family.revokedAt ? (
            <div role="status" className="space-y-1 rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-950 dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-100">
              <p className="font-semibold">
                Family revoked ({family.revokedReason ?? "no reason recorded"}) at {formatClock(family.revokedAt)}
              </p>
              <p>{revocationReasons[family.revokedReason ?? ""] ?? "Every token of the family stopped working."}</p>
            </div>
          ) : graceLeft !== null ? (
            <GraceWindow secondsLeft={graceLeft} grace={grace} />
          ) : null}

          <div className="space-y-2">
            <h3 className="text-sm font-semibold">In this page&apos;s memory</h3>
            <FactList
              facts={[
                ["Current", <span key="current" className="font-mono text-xs">{truncateSecret(tokens.current, 12)}</span>],
                ["Previous", tokens.previous ? <span key="previous" className="font-mono text-xs">{truncateSecret(tokens.previous, 12)}</span> : "none yet"],
              ]}
            />
            <p className="text-xs text-slate-600 dark:text-slate-400">Kept in a JavaScript variable, never in storage: reload the page and they are gone.</p>
          </div>

          <div className="space-y-2">
            <h3 className="text-sm font-semibold">The family</h3>
            <FactList
              facts={[
                ["Family id", <span key="id" className="break-all font-mono text-xs">{family.id}</span>],
                ["Client", <span key="client">{family.clientName} (<code>{family.clientId}</code>, public: no secret)</span>],
                ["Scopes", <span key="scopes" className="font-mono text-xs">{family.scopes.join(" ")}</span>],
                ["Bound to", "this browser session: signing out revokes it"],
                ["Ends by", `${formatDateTime(family.expiresAt)}; each refresh token lasts ${formatDuration(settings.refreshTokenTtlSeconds)}`],
              ]}
            />
          </div>

          <div className="space-y-2">
            <h3 className="text-sm font-semibold">The chain of rotations</h3>
            <ol aria-label="Refresh token chain" className="space-y-2">
              {family.tokens.map((link, index) => (
                <ChainLink
                  key={link.id}
                  link={link}
                  position={index + 1}
                  heldAs={index === family.tokens.length - 1 ? "current" : index === family.tokens.length - 2 ? "previous" : null}
                  familyRevokedAt={family.revokedAt}
                  now={now}
                />
              ))}
            </ol>
          </div>
        </>
      )}
    </StrategyCard>
  );
}

/** The teaching point of the replay button: what a replay does now, and when that changes. */
function GraceWindow({ secondsLeft, grace }: { secondsLeft: number; grace: number }) {
  if (secondsLeft > 0) {
    return (
      <div className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/50 dark:text-amber-100">
        <p className="font-semibold">
          Grace window: <span className="font-mono tabular-nums">{formatCountdown(secondsLeft)}</span> left
        </p>
        <p>
          The previous token is inside its {grace}-second grace window: a replay now gets the same successor back (the server takes it for an honest race,
          such as two tabs refreshing at once). After it, a replay revokes the family.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-1 rounded-md border border-slate-300 bg-slate-50 p-3 text-sm dark:border-slate-700 dark:bg-slate-900">
      <p className="font-semibold">Grace window over: a replay now revokes the whole family</p>
      <p>The previous token has been retired for more than {grace} seconds. Whoever presents it now is treated as a thief.</p>
    </div>
  );
}

function ChainLink({
  link,
  position,
  heldAs,
  familyRevokedAt,
  now,
}: {
  link: PlaygroundChainLink;
  position: number;
  heldAs: "current" | "previous" | null;
  familyRevokedAt: string | null;
  now: number;
}) {
  const state = link.retiredAt
    ? { label: `rotated at ${formatClock(link.retiredAt)}`, tone: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200" }
    : familyRevokedAt
      ? { label: `revoked at ${formatClock(familyRevokedAt)}`, tone: "bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200" }
      : new Date(link.expiresAt).getTime() <= now
        ? { label: "expired", tone: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200" }
        : { label: "live", tone: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" };

  return (
    <li className="rounded-md border border-slate-200 p-3 text-sm dark:border-slate-800">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">Refresh token #{position}</span>
        <span className={`rounded px-2 py-0.5 text-xs font-medium ${state.tone}`}>{state.label}</span>
        {link.retiredAt && familyRevokedAt ? (
          <span className="rounded bg-rose-100 px-2 py-0.5 text-xs font-medium text-rose-900 dark:bg-rose-950 dark:text-rose-200">then revoked</span>
        ) : null}
        {heldAs ? <span className="text-xs text-slate-500 dark:text-slate-400">({heldAs} in this page)</span> : null}
      </div>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
        Issued {formatClock(link.createdAt)} with access token <code className="break-all">jti {link.accessTokenJti.slice(0, 8)}…</code>
        {link.successorId ? <> · exchanged for #{position + 1}</> : null}
      </p>
    </li>
  );
}
