"use client";

import { useId, useState } from "react";

import { Button } from "@/components/ui/button";

/**
 * A secret or a command shown for copying: a read-only field (so it can be selected by hand too) and a
 * Copy button. The result is announced, and a refused clipboard (an insecure origin, a denied
 * permission) says so rather than failing silently.
 */
export function CopyableText({ label, value, rows = 3, hint }: { label: string; value: string; rows?: number; hint?: string }) {
  const id = useId();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  async function copyValue() {
    try {
      await navigator.clipboard.writeText(value);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  return (
    <div className="space-y-1">
      <div className="flex items-end justify-between gap-3">
        <label htmlFor={id} className="text-sm font-medium">
          {label}
        </label>
        <Button type="button" variant="secondary" onClick={copyValue} className="min-h-9 px-3 py-1">
          Copy<span className="sr-only"> {label.toLowerCase()}</span>
        </Button>
      </div>
      <textarea
        id={id}
        readOnly
        rows={rows}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onFocus={(event) => event.currentTarget.select()}
        spellCheck={false}
        className="w-full resize-y break-all rounded-md border border-slate-300 bg-slate-50 p-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-900"
      />
      <div className="flex justify-between gap-3 text-xs text-slate-600 dark:text-slate-400">
        {hint ? <p id={`${id}-hint`}>{hint}</p> : <span />}
        <p aria-live="polite" className="shrink-0">
          {copy === "copied" ? "Copied" : copy === "failed" ? "Copying was refused: select the text and copy it by hand." : ""}
        </p>
      </div>
    </div>
  );
}
