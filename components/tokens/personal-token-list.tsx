import { Button } from "@/components/ui/button";
import { formatDate } from "@/lib/format-date";
import type { PersonalTokenSummary } from "@/lib/personal-token-schema";

export function PersonalTokenList({ tokens, revokeAction }: { tokens: PersonalTokenSummary[]; revokeAction: (formData: FormData) => Promise<void> }) {
  return (
    <ul aria-label="Personal API tokens" className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
      {tokens.map((token) => {
        const name = token.name ?? "Unnamed token";
        return (
          <li key={token.id} aria-label={name} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-start sm:justify-between">
            <div className="min-w-0 space-y-1 text-sm">
              <p className="break-words font-medium">{name}</p>
              <dl className="grid grid-cols-[7rem_1fr] gap-x-2 text-slate-600 dark:text-slate-400">
                <dt>Scopes</dt>
                <dd className="font-mono text-xs leading-5">{token.scopes.join(" ")}</dd>
                <dt>Created</dt>
                <dd>{formatDate(token.createdAt)}</dd>
                <dt>Last used</dt>
                <dd>{formatDate(token.lastUsedAt)}</dd>
                <dt>Expires</dt>
                <dd>
                  {token.idleExpiresAt < token.expiresAt ? `${formatDate(token.idleExpiresAt)} unless refreshed; ` : ""}
                  {formatDate(token.expiresAt)} at the latest
                </dd>
              </dl>
            </div>
            <form action={revokeAction}>
              <input type="hidden" name="familyId" value={token.id} />
              <Button type="submit" variant="secondary">
                Revoke<span className="sr-only"> {name}</span>
              </Button>
            </form>
          </li>
        );
      })}
    </ul>
  );
}
