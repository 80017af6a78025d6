/** What the /admin/clients forms get back from their server actions (the secrets only this once). */
export type ClientCreateState =
  | { status: "idle" }
  | { status: "error"; message: string; fieldErrors: Record<string, string[] | undefined> }
  | { status: "created"; clientId: string; name: string; clientSecret: string | null };

export type ClientRotateState =
  | { status: "idle" }
  | { status: "error"; message: string }
  | { status: "rotated"; clientId: string; clientSecret: string; previousSecretExpiresAt: string | null };

/** The overlaps the page offers for a rotation, in seconds (the CLI takes any up to 30 days). */
export const ROTATION_OVERLAPS = [
  { seconds: 0, label: "none: the old secret stops now (it leaked)" },
  { seconds: 60 * 60, label: "1 hour" },
  { seconds: 24 * 60 * 60, label: "24 hours" },
  { seconds: 7 * 24 * 60 * 60, label: "7 days" },
] as const;
