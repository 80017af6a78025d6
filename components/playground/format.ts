import { formatDate } from "@/lib/format-date";

/** "2026-11-27 06:12 UTC", like every other page of the app. */
export function formatDateTime(iso: string): string {
  return formatDate(new Date(iso));
}

/** "06:12:04 UTC": rotations happen seconds apart, so the chain needs the seconds. */
export function formatClock(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}

/** A countdown as m:ss (h:mm:ss past an hour). */
export function formatCountdown(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/** "15 minutes", "7 days", "10 seconds": the largest unit that divides the duration evenly. */
export function formatDuration(totalSeconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  const [size, name] = units.find(([unitSize]) => totalSeconds % unitSize === 0 && totalSeconds >= unitSize) ?? [1, "second"];
  const count = totalSeconds / size;
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}

/** The start of a secret, to tell two apart on screen without showing either. */
export function truncateSecret(value: string, visible = 10): string {
  return `${value.slice(0, visible)}…`;
}
