/** A date as "2026-11-27 06:12 UTC": the same on server and client, in every locale. */
export function formatDate(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}
