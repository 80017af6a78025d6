import { z } from "zod";

import { AUDIT_EVENTS } from "@/lib/audit-events";
import { recordIdSchema } from "@/lib/record-id";
import { isStorableText } from "@/lib/storable-text";

/** Query parameters of the admin pages: anything malformed falls back to the defaults, never an error. */
const page = z.coerce.number().int().min(1).max(10_000).catch(1);

export const adminUsersQuerySchema = z.object({
  // A NUL would make PostgreSQL refuse the search (a 500): such a query is ignored, as any malformed one.
  q: z.string().trim().max(100).refine(isStorableText).optional().catch(undefined),
  page,
});

export const auditQuerySchema = z.object({
  user: recordIdSchema.optional().catch(undefined),
  event: z.enum(AUDIT_EVENTS).optional().catch(undefined),
  page,
});

/** The first value of a search parameter. */
export function firstParam(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
