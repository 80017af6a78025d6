import { z } from "zod";

/**
 * A parameter the request must carry, a string of at most `max` characters (RFC 6749 §3.1: the form
 * reader already dropped an empty one). "is required" is the answer only when it is missing: given as
 * the schema's own error, zod would give it for every failure, so a too-long value was told it was absent.
 */
export const requiredParameter = (max: number) =>
  z.string({ error: (issue) => (issue.input === undefined ? "is required" : undefined) }).max(max, { error: `must be at most ${max} characters` });
