/** The events the audit log records (shared by the log and the admin page's filter). */
export const AUDIT_EVENTS = ["sign_in", "sign_in_failed", "sign_out", "session_revoked", "sign_out_everywhere", "role_changed"] as const;
export type AuditEventName = (typeof AUDIT_EVENTS)[number];
