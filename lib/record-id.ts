import { z } from "zod";

/**
 * The ids of our rows (cuids): lowercase letters and digits, at most 64. One schema for every id that
 * arrives from a form, a path or a query, so anything else is refused before it reaches the database.
 */
export const RECORD_ID_PATTERN = /^[a-z0-9]{1,64}$/;
export const recordIdSchema = z.string().regex(RECORD_ID_PATTERN, "Not a valid id.");

/** The id, or `null` when the input cannot be one of ours. */
export function parseId(value: unknown): string | null {
  const parsed = recordIdSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
