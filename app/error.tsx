"use client";

import { Button } from "@/components/ui/button";

/** Shown when a page throws: a plain message, never the error itself. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="space-y-4">
      <h1 className="text-2xl font-bold">Something went wrong</h1>
      <p>We could not show this page. Please try again.</p>
      <Button type="button" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
