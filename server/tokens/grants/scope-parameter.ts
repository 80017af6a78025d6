import { z } from "zod";

import { parseScopeParameter } from "@/lib/scopes";

/** The `scope` parameter (RFC 6749 §3.3): space-separated names, each one we know. */
export const scopeParameterSchema = z
  .string()
  .max(512)
  .transform((value, context) => {
    const scopes = parseScopeParameter(value);
    if (!scopes) {
      // RFC 6749 §5.2: an unknown scope is `invalid_scope`, not a malformed request.
      context.addIssue({ code: "custom", message: "names an unknown scope", params: { oauthError: "invalid_scope" } });
      return z.NEVER;
    }
    return scopes;
  });
