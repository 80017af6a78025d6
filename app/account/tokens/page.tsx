import type { Metadata } from "next";
import Link from "next/link";

import { PersonalTokenForm } from "@/components/tokens/personal-token-form";
import { PersonalTokenList } from "@/components/tokens/personal-token-list";
import { TokenPairExplainer } from "@/components/tokens/token-pair-explainer";
import { PERSONAL_TOKEN_CLIENT_ID, PERSONAL_TOKEN_LIMIT } from "@/lib/personal-token-schema";
import { requireSession } from "@/server/auth/current-session";
import { listPersonalTokens } from "@/server/account/personal-tokens";
import { getTokenConfig } from "@/server/services";

import { createPersonalTokenAction, revokePersonalTokenAction } from "./actions";

export const metadata: Metadata = { title: "API tokens" };

export default async function PersonalTokensPage() {
  // The proxy checked too; checking again where the data is read is what actually protects it.
  const session = await requireSession("/account/tokens");
  const config = getTokenConfig();
  const { tokens, atLimit: limitReached } = await listPersonalTokens(session.userId);
  const atLimit = limitReached ? `You have ${PERSONAL_TOKEN_LIMIT} tokens, the most allowed: revoke one you no longer use to create another.` : null;

  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold tracking-tight">API tokens</h1>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Personal tokens let your scripts call the Gatehouse API as you, with only the scopes you choose. Apps you authorized and the token
          playground are on{" "}
          <Link href="/account/security" className="font-medium underline">
            Devices &amp; access
          </Link>
          .
        </p>
      </div>

      <section aria-labelledby="create-token" className="space-y-3">
        <h2 id="create-token" className="text-lg font-semibold">
          Create a token
        </h2>
        <PersonalTokenForm action={createPersonalTokenAction} issuer={config.issuer} atLimit={atLimit} />
      </section>

      <section aria-labelledby="your-tokens" className="space-y-3">
        <h2 id="your-tokens" className="text-lg font-semibold">
          Your tokens{" "}
          <span className="text-sm font-normal text-slate-600 dark:text-slate-400">
            ({tokens.length} of {PERSONAL_TOKEN_LIMIT})
          </span>
        </h2>
        {tokens.length > 0 ? (
          <PersonalTokenList tokens={tokens} revokeAction={revokePersonalTokenAction} />
        ) : (
          <p className="text-sm text-slate-700 dark:text-slate-300">You have no personal API tokens. Create one above for your first script.</p>
        )}
      </section>

      <section aria-labelledby="how-it-works" className="space-y-3">
        <h2 id="how-it-works" className="text-lg font-semibold">
          How a token pair works
        </h2>
        <TokenPairExplainer issuer={config.issuer} clientId={PERSONAL_TOKEN_CLIENT_ID} lifetimes={config} />
      </section>
    </div>
  );
}
