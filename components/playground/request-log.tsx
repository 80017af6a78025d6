import type { LoggedRequest } from "./api-calls";
import { StatusBadge } from "./card";
import { formatClock } from "./format";

/**
 * Every request the buttons made, newest first. A polite live region: each new answer is read out
 * once, without interrupting (and never role="alert", which Next's route announcer already uses).
 */
export function RequestLog({ entries }: { entries: LoggedRequest[] }) {
  return (
    <section id="request-log" aria-labelledby="request-log-heading" className="scroll-mt-4 space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="request-log-heading" className="text-lg font-semibold">
          Request log
        </h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">Newest first. Tokens in requests and answers are cut short.</p>
      </div>
      <div role="log" aria-live="polite" aria-label="Request log" className="rounded-xl border border-slate-200 dark:border-slate-800">
        {entries.length === 0 ? (
          <p className="p-4 text-sm text-slate-600 dark:text-slate-400">No requests yet: each button above adds its request and the answer here.</p>
        ) : (
          <ol className="divide-y divide-slate-200 dark:divide-slate-800">
            {entries.map((entry) => (
              <LogEntry key={entry.id} entry={entry} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

function LogEntry({ entry }: { entry: LoggedRequest }) {
  return (
    <li className="space-y-2 p-4 text-sm">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <StatusBadge status={entry.status} statusText={entry.statusText} />
        <span className="font-mono text-xs font-semibold">
          {entry.method} {entry.url}
        </span>
        <span className="text-slate-600 dark:text-slate-400">with the {entry.credential}</span>
        <time dateTime={entry.at} className="ml-auto text-xs text-slate-500 dark:text-slate-400">
          {formatClock(entry.at)}
        </time>
      </div>
      {entry.note ? <p className="text-slate-700 dark:text-slate-300">{entry.note}</p> : null}
      {entry.wwwAuthenticate ? (
        <p className="break-all font-mono text-xs text-amber-800 dark:text-amber-300">
          <span className="font-semibold">WWW-Authenticate:</span> {entry.wwwAuthenticate}
        </p>
      ) : null}
      <div className="grid gap-2 md:grid-cols-2">
        {entry.requestBody ? <Payload label="Request (form)" value={entry.requestBody} /> : null}
        <Payload label="Answer" value={entry.body} className={entry.requestBody ? "" : "md:col-span-2"} />
      </div>
    </li>
  );
}

function Payload({ label, value, className = "" }: { label: string; value: unknown; className?: string }) {
  return (
    <div className={`min-w-0 space-y-1 ${className}`}>
      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</p>
      <pre tabIndex={0} className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs leading-relaxed dark:bg-slate-900">
        {typeof value === "string" ? value : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}
