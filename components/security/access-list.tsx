import { Button } from "@/components/ui/button";
import { formatDate } from "@/lib/format-date";

/**
 * One thing that can act as the person: a browser session, or a token family (the refresh-token chain
 * an app, a script or the playground holds). Each kind renders its own details and revoke form; a list
 * takes one revoke action, so each kind goes in its own list (the Devices & access page has two).
 */
export type AccessEntry =
  | {
      kind: "browser-session";
      id: string;
      current: boolean;
      browser: string | null;
      os: string | null;
      deviceType: string | null;
      ip: string | null;
      createdAt: Date;
      lastUsedAt: Date;
    }
  | {
      kind: "token-family";
      id: string;
      familyKind: "personal" | "playground" | "authorization_code" | "device_code";
      /** The personal token's name (other kinds have none). */
      name: string | null;
      client: { id: string; name: string };
      scopes: string[];
      createdAt: Date;
      lastUsedAt: Date;
    };

type SessionEntry = Extract<AccessEntry, { kind: "browser-session" }>;
type TokenFamilyEntry = Extract<AccessEntry, { kind: "token-family" }>;

function titleOf(entry: AccessEntry) {
  if (entry.kind === "token-family") {
    if (entry.familyKind === "personal") return `Personal API token “${entry.name ?? "unnamed"}”`;
    if (entry.familyKind === "playground") return "Token playground";
    if (entry.familyKind === "device_code") return `${entry.client.name} (a device you signed in)`;
    return `${entry.client.name} (app you authorized)`;
  }
  const browser = entry.browser ?? "Unknown browser";
  return entry.os ? `${browser} on ${entry.os}` : browser;
}

const detailsClass = "grid grid-cols-[7rem_1fr] gap-x-2 text-slate-600 dark:text-slate-400";

function SessionDetails({ entry }: { entry: SessionEntry }) {
  return (
    <dl className={detailsClass}>
      <dt>Device</dt>
      <dd>{entry.deviceType ?? "unknown"}</dd>
      <dt>IP address</dt>
      <dd className="break-all">{entry.ip ?? "unknown"}</dd>
      <dt>Signed in</dt>
      <dd>{formatDate(entry.createdAt)}</dd>
      <dt>Last active</dt>
      <dd>{formatDate(entry.lastUsedAt)}</dd>
    </dl>
  );
}

function TokenFamilyDetails({ entry }: { entry: TokenFamilyEntry }) {
  return (
    <dl className={detailsClass}>
      <dt>Client</dt>
      <dd className="break-words">{entry.client.name}</dd>
      <dt>Scopes</dt>
      <dd className="font-mono text-xs leading-5">{entry.scopes.join(" ")}</dd>
      <dt>Created</dt>
      <dd>{formatDate(entry.createdAt)}</dd>
      {/* The family's lastUsedAt moves when it is issued or refreshed, not on every API call. */}
      <dt>Last used</dt>
      <dd>{formatDate(entry.lastUsedAt)}</dd>
    </dl>
  );
}

export function AccessList({
  entries,
  revokeAction,
  hiddenFields = {},
  label = "Signed-in devices",
}: {
  entries: AccessEntry[];
  /** Receives `sessionId` for a browser session, `familyId` for a token family. */
  revokeAction: (formData: FormData) => Promise<void>;
  /** Extra fields the revoke action needs (the admin page passes the user's id). */
  hiddenFields?: Record<string, string>;
  /** The list's accessible name. */
  label?: string;
}) {
  return (
    <ul aria-label={label} className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
      {entries.map((entry) => (
        <li key={entry.id} aria-label={titleOf(entry)} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0 space-y-1 text-sm">
            <p className="break-words font-medium">
              {titleOf(entry)}
              {entry.kind === "browser-session" && entry.current ? (
                <span className="ml-2 rounded bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
                  This device
                </span>
              ) : null}
            </p>
            {entry.kind === "browser-session" ? <SessionDetails entry={entry} /> : <TokenFamilyDetails entry={entry} />}
          </div>
          <form action={revokeAction}>
            <input type="hidden" name={entry.kind === "browser-session" ? "sessionId" : "familyId"} value={entry.id} />
            {Object.entries(hiddenFields).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <Button type="submit" variant="secondary">
              {entry.kind === "browser-session" ? "Sign out this device" : "Revoke"}
            </Button>
          </form>
        </li>
      ))}
    </ul>
  );
}
