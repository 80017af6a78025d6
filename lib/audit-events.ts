/** The events the audit log records (shared by the log and the admin page's filter). */
export const AUDIT_EVENTS = [
  "sign_in",
  "sign_in_failed",
  "sign_out",
  "session_revoked",
  "sign_out_everywhere",
  "role_changed",
  "tokens_issued",
  "token_family_revoked",
  "refresh_token_reused",
  "authorization_code_reused",
  "client_created",
  "client_secret_rotated",
  "client_revoked",
  "device_code_approved",
  "device_code_denied",
] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];
