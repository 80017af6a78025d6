import type { z } from "zod";

import { ApiError } from "./api-error";

/**
 * Parses request input (a JSON body, query parameters) with `schema`, or throws a 400 `invalid_request`
 * naming the first bad field ("title: Too small: ..."), so a client can fix its request without guessing.
 * Only the first issue is reported: enough to act on, and no echo of a large hostile payload.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiError("invalid_request", describeIssue(result.error.issues[0]));
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "The request is not valid.";
  // Issues about the whole object (an unknown key, a cross-field rule) already name what is wrong.
  return issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}
