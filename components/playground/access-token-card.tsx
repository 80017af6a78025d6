"use client";

import { Button } from "@/components/ui/button";

import type { LoggedRequest } from "./api-calls";
import { Check, JsonBlock, LastAnswer, StrategyCard } from "./card";
import { formatClock, formatCountdown, formatDuration } from "./format";
import { decodeAccessToken, JWKS_PATH, type SignatureCheck } from "./jwt-inspection";
import type { PlaygroundTokenSettings } from "@/lib/playground-types";

export type AccessTokenCall = "access-token" | "forged-token";

/** The access token: the JWT taken apart, its signature checked here against the JWKS, its time left. */
export function AccessTokenCard({
  settings,
  accessToken,
  expiresAt,
  signature,
  familyRevoked,
  now,
  busy,
  lastAnswer,
  onCall,
}: {
  settings: PlaygroundTokenSettings;
  accessToken: string | null;
  /** When it expires by this browser's clock: received + expires_in. */
  expiresAt: number | null;
  /** Null while the check runs. */
  signature: SignatureCheck | null;
  familyRevoked: boolean;
  now: number;
  busy: boolean;
  lastAnswer: LoggedRequest | undefined;
  onCall: (call: AccessTokenCall) => void;
}) {
  const decoded = accessToken ? decodeAccessToken(accessToken) : null;
  const ttl = formatDuration(settings.accessTokenTtlSeconds);
  const secondsLeft = expiresAt === null ? 0 : Math.min(settings.accessTokenTtlSeconds, (expiresAt - now) / 1000);

  return (
    <StrategyCard
      id="access-token-card"
      title="Access token (JWT)"
      tag="programs ↔ APIs"
      accent="violet"
      intro={
        <>
          <p>
            For APIs: any service holding our public keys checks it by itself, with no database round trip. A JWT signed with ES256 (RFC 9068) states who (
            <code>sub</code>), through which client, with which scopes, until when. Anyone holding it can read it, so it carries no secrets.
          </p>
          <p>
            That is also why it is <strong>short-lived ({ttl})</strong>: once out, it cannot be called back except through a denylist every API must consult,
            so a leaked one is worth {ttl} at most.
          </p>
        </>
      }
      actions={
        <>
          <Button type="button" className="w-full" disabled={busy || !accessToken} onClick={() => onCall("access-token")}>
            Call /api/v1/me with the access token
          </Button>
          <Button type="button" variant="secondary" className="w-full" disabled={busy || !accessToken} onClick={() => onCall("forged-token")}>
            Call /api/v1/me with a forged token
          </Button>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            The forged token is this one with its payload edited (<code>&quot;sub&quot;: &quot;someone-else&quot;</code>) and the original signature kept.
          </p>
          <LastAnswer entry={lastAnswer} />
        </>
      }
    >
      {!accessToken || !decoded ? (
        <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No access token yet. Issue a token pair above to see one taken apart.
        </p>
      ) : (
        <>
          <div className="flex items-end justify-between gap-3 rounded-md bg-violet-50 p-3 dark:bg-violet-950/50">
            <div>
              <p className="text-xs font-semibold uppercase tracking-wide text-violet-900 dark:text-violet-200">Expires in</p>
              <p className="font-mono text-3xl font-semibold tabular-nums">
                {secondsLeft > 0 ? formatCountdown(secondsLeft) : "expired"}
              </p>
            </div>
            <p className="max-w-[12rem] text-right text-xs text-slate-600 dark:text-slate-400">
              Counted from <code>expires_in</code> on this browser&apos;s clock, as a client should: the server&apos;s <code>exp</code> is {typeof decoded.payload.exp === "number" ? formatClock(new Date(decoded.payload.exp * 1000).toISOString()) : "missing"}.
            </p>
          </div>

          <div className="space-y-1 text-sm wrap-anywhere">
            {signature === null ? (
              <p>Checking the signature against {JWKS_PATH}…</p>
            ) : signature.valid ? (
              <p className="font-medium">
                <Check ok>Signature valid — key {signature.kid}</Check>
              </p>
            ) : (
              <p className="font-medium">
                <Check ok={false}>Signature not valid: {signature.reason}</Check>
              </p>
            )}
            <p className="text-xs text-slate-600 dark:text-slate-400">
              Checked in this browser with <code>jose</code> against <code>{JWKS_PATH}</code>: ES256 only, <code>iss</code>, <code>aud</code> and{" "}
              <code>typ: at+jwt</code> as expected.
            </p>
          </div>

          {familyRevoked ? (
            <p className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-100">
              Its family was revoked. The signature still checks out (a signed token cannot be unsigned), but the API refuses it: its <code>jti</code> is on the
              denylist every request consults, until it would have expired anyway.
            </p>
          ) : null}

          <figure className="min-w-0 space-y-1">
            <figcaption className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Encoded access token</figcaption>
            <p tabIndex={0} className="max-h-28 overflow-y-auto break-all rounded-md bg-slate-50 p-3 font-mono text-xs leading-relaxed dark:bg-slate-900">
              <span className="text-rose-600 dark:text-rose-400">{decoded.segments[0]}</span>.<span className="text-violet-600 dark:text-violet-400">{decoded.segments[1]}</span>.
              <span className="text-sky-600 dark:text-sky-400">{decoded.segments[2]}</span>
            </p>
            {/* A div, not a paragraph: the token stays the figure's one paragraph, to be found and copied whole. */}
            <div className="text-xs text-slate-500 dark:text-slate-400">
              <span className="text-rose-600 dark:text-rose-400">header</span> . <span className="text-violet-600 dark:text-violet-400">payload</span> .{" "}
              <span className="text-sky-600 dark:text-sky-400">signature</span>, each base64url
            </div>
          </figure>
          <JsonBlock label="Decoded header" value={decoded.header} />
          <JsonBlock label="Decoded payload" value={decoded.payload} />
        </>
      )}
    </StrategyCard>
  );
}
