import type { ReactNode } from "react";

import type { LoggedRequest } from "./api-calls";

const accents = {
  sky: { bar: "border-t-sky-500", tag: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200" },
  violet: { bar: "border-t-violet-500", tag: "bg-violet-100 text-violet-900 dark:bg-violet-950 dark:text-violet-200" },
  amber: { bar: "border-t-amber-500", tag: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200" },
} as const;

/** One strategy's column: a heading, what it is for, what it holds now, and what you can do with it. */
export function StrategyCard({
  id,
  title,
  tag,
  accent,
  intro,
  children,
  actions,
}: {
  id: string;
  title: string;
  tag: string;
  accent: keyof typeof accents;
  intro: ReactNode;
  children: ReactNode;
  actions: ReactNode;
}) {
  return (
    <section
      aria-labelledby={id}
      className={`flex min-w-0 flex-col rounded-xl border border-t-4 border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-950 ${accents[accent].bar}`}
    >
      <div className="space-y-2 border-b border-slate-100 p-4 dark:border-slate-800/70">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id={id} className="text-lg font-semibold">
            {title}
          </h2>
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${accents[accent].tag}`}>{tag}</span>
        </div>
        <div className="space-y-2 text-sm text-slate-700 dark:text-slate-300">{intro}</div>
      </div>
      <div className="flex-1 space-y-4 p-4">{children}</div>
      <div className="space-y-2 border-t border-slate-100 p-4 dark:border-slate-800/70">{actions}</div>
    </section>
  );
}

/** A captioned block of pretty-printed JSON (the caption names the figure for screen readers and tests). */
export function JsonBlock({ label, value, className = "" }: { label: string; value: unknown; className?: string }) {
  return (
    <figure className="min-w-0 space-y-1">
      <figcaption className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</figcaption>
      {/* Focusable, so a keyboard can scroll a long line into view. */}
      <pre
        tabIndex={0}
        className={`overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs leading-relaxed text-slate-800 dark:bg-slate-900 dark:text-slate-200 ${className}`}
      >
        {JSON.stringify(value, null, 2)}
      </pre>
    </figure>
  );
}

/** Term/description pairs in two columns. */
export function FactList({ facts }: { facts: [term: string, description: ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-x-3 gap-y-1.5 text-sm">
      {facts.map(([term, description]) => (
        <div key={term} className="contents">
          <dt className="text-slate-500 dark:text-slate-400">{term}</dt>
          <dd className="min-w-0 break-words">{description}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A small coloured mark for a good or bad fact ("HttpOnly ✓"), with its meaning in words. */
export function Check({ ok, children }: { ok: boolean; children: ReactNode }) {
  return (
    <span className={ok ? "text-emerald-700 dark:text-emerald-400" : "text-rose-700 dark:text-rose-400"}>
      <span aria-hidden="true">{ok ? "✓ " : "✗ "}</span>
      {children}
    </span>
  );
}

/** The HTTP status as a coloured badge. */
export function StatusBadge({ status, statusText }: { status: number; statusText: string }) {
  const tone =
    status >= 200 && status < 300
      ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200"
      : status >= 400 && status < 500
        ? "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200"
        : "bg-rose-100 text-rose-900 dark:bg-rose-950 dark:text-rose-200";
  return (
    <span className={`inline-flex shrink-0 items-center rounded px-2 py-0.5 font-mono text-xs font-semibold ${tone}`}>
      {status === 0 ? "—" : status} {statusText}
    </span>
  );
}

/** A card's latest answer beside its buttons (the full request is in the log below). */
export function LastAnswer({ entry }: { entry: LoggedRequest | undefined }) {
  if (!entry) return null;
  return (
    <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
      <span>Last answer:</span>
      <StatusBadge status={entry.status} statusText={entry.statusText} />
      <span className="font-mono">
        {entry.method} {entry.url}
      </span>
      <span>with the {entry.credential}</span>
      <a href="#request-log" className="underline underline-offset-2">
        details in the log
      </a>
    </p>
  );
}
