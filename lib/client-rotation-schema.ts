import { z } from "zod";

import { ROTATION_OVERLAPS } from "./client-admin-state";
import { CLIENT_ID_PATTERN } from "./client-id";

/**
 * The rotate form: a client and one of the offered overlaps, spelled as the form spells it. A missing or
 * blank choice is not "none" (z.coerce read "" and null as 0, the choice that ends the old secret at once).
 */
export const clientRotationSchema = z.object({
  clientId: z.string().regex(CLIENT_ID_PATTERN),
  overlapSeconds: z
    .string()
    .regex(/^(?:0|[1-9]\d{0,6})$/)
    .transform(Number)
    .refine((seconds) => ROTATION_OVERLAPS.some((overlap) => overlap.seconds === seconds)),
});
