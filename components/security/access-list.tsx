import { Button } from "@/components/ui/button";
import { formatDate } from "@/lib/format-date";

/**
 * One thing that can act as the person: today a browser session; the API tokens of later issues join
 * as other kinds, rendered by the same list with their own revoke action.
 */
export type AccessEntry = {
  kind: "browser-session";
  id: string;
  current: boolean;
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
};

function titleOf(entry: AccessEntry) {
  const browser = entry.browser ?? "Unknown browser";
  return entry.os ? `${browser} on ${entry.os}` : browser;
}

export function AccessList({
  entries,
  revokeAction,
  hiddenFields = {},
}: {
  entries: AccessEntry[];
  revokeAction: (formData: FormData) => Promise<void>;
  /** Extra fields the revoke action needs (the admin page passes the user's id). */
  hiddenFields?: Record<string, string>;
}) {
  return (
    <ul aria-label="Signed-in devices" className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
      {entries.map((entry) => (
        <li key={entry.id} aria-label={titleOf(entry)} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0 space-y-1 text-sm">
            <p className="font-medium">
              {titleOf(entry)}
              {entry.current ? (
                <span className="ml-2 rounded bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
                  This device
                </span>
              ) : null}
            </p>
            <dl className="grid grid-cols-[7rem_1fr] gap-x-2 text-slate-600 dark:text-slate-400">
              <dt>Device</dt>
              <dd>{entry.deviceType ?? "unknown"}</dd>
              <dt>IP address</dt>
              <dd className="break-all">{entry.ip ?? "unknown"}</dd>
              <dt>Signed in</dt>
              <dd>{formatDate(entry.createdAt)}</dd>
              <dt>Last active</dt>
              <dd>{formatDate(entry.lastUsedAt)}</dd>
            </dl>
          </div>
          <form action={revokeAction}>
            <input type="hidden" name="sessionId" value={entry.id} />
            {Object.entries(hiddenFields).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <Button type="submit" variant="secondary">
              Sign out this device
            </Button>
          </form>
        </li>
      ))}
    </ul>
  );
}
