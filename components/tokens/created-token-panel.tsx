"use client";

import { useEffect, useRef } from "react";

import { Button } from "@/components/ui/button";
import type { PersonalTokenCreateState } from "@/lib/personal-token-schema";

import { CopyableText } from "./copyable-text";
import { curlExamples } from "./curl-examples";

type Created = Extract<PersonalTokenCreateState, { status: "created" }>;

/**
 * The new pair, shown this once: the page never receives these secrets again (only their hashes are
 * stored), so a reload or "Done" is the last anyone sees of them.
 */
export function CreatedTokenPanel({ created, issuer, onDone }: { created: Created; issuer: string; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The panel appears where the form was submitted; moving focus to it tells keyboard and screen-reader
  // users that there is something they must copy now.
  useEffect(() => heading.current?.focus(), [created]);
  const examples = curlExamples({ issuer, accessToken: created.accessToken, refreshToken: created.refreshToken, scopes: created.scope.split(" ") });
  const minutes = Math.round(created.expiresIn / 60);

  return (
    <section aria-labelledby="created-token" className="space-y-4 rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950">
      <div className="space-y-1">
        <h3 id="created-token" ref={heading} tabIndex={-1} className="text-base font-semibold outline-none">
          Token “{created.name}” created
        </h3>
        <p className="text-sm">
          <strong>Copy both tokens now: they are shown only this once.</strong> Gatehouse keeps only their hashes. Scopes:{" "}
          <span className="font-mono">{created.scope}</span>.
        </p>
      </div>
      <CopyableText label="Access token" value={created.accessToken} rows={4} hint={`Send it as Authorization: Bearer. It expires in ${minutes} minutes.`} />
      <CopyableText label="Refresh token" value={created.refreshToken} rows={2} hint="Keep it secret, like a password: it gets new access tokens." />
      <CopyableText label="Call the API" value={examples.call} rows={3} />
      <CopyableText
        label="Get a new pair"
        value={examples.refresh}
        rows={4}
        hint="The answer holds a new refresh_token: store it in place of the old one, which stops working."
      />
      <Button type="button" variant="secondary" onClick={onDone}>
        Done, I have saved them
      </Button>
    </section>
  );
}
