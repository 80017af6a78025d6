/** What /device's "Continue" answers (server/device/device-approval.ts decides; the page shows it). */
export type DeviceLookupState =
  | { outcome: "idle" }
  | { outcome: "malformed" }
  | { outcome: "limited"; retryAfterSeconds: number }
  | { outcome: "not_found" }
  | {
      outcome: "found";
      userCode: string;
      request: { id: string; client: { name: string; verified: boolean }; scopes: string[]; minutesAgo: number };
    };
