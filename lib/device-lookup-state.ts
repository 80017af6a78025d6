/** What /device's "Continue" answers (server/device/device-approval.ts decides; the page shows it). */
export type DeviceLookupState =
  | { outcome: "idle" }
  | { outcome: "malformed"; typed: string }
  | { outcome: "limited"; retryAfterSeconds: number; typed: string }
  | { outcome: "not_found"; typed: string }
  | {
      outcome: "found";
      userCode: string;
      request: { id: string; client: { name: string; verified: boolean }; scopes: string[]; minutesAgo: number };
    };
