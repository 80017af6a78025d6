import { z } from "zod";

import { requiredParameter } from "@/server/tokens/grants/required-parameter";

/**
 * Parameters of the OAuth endpoints that are not a grant's. Each grant's own parameters sit with the
 * grant (server/tokens/grants/); client credentials are read separately (server/tokens/clients.ts).
 */

/** The grant types the token endpoint serves, from its registry (for the discovery document). */
export { SUPPORTED_GRANT_TYPES } from "@/server/tokens/grants";

/** RFC 7009 §2.1 and RFC 7662 §2.1: the token, and an optional hint we do not need (we can tell the kinds apart). */
export const tokenParameterSchema = z.object({
  token: requiredParameter(4096).min(1),
  token_type_hint: z.string().max(64).optional(),
});
