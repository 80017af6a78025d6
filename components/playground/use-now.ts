"use client";

import { useEffect, useState } from "react";

/**
 * The time, redrawn every second while `ticking`: what the countdowns count against. Idle when there
 * is nothing to count down, so a page left open does not re-render for nothing.
 */
export function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
