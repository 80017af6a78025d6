import { z } from "zod";

/** A private ES256 JWK as TOKEN_SIGNING_KEYS gives it (server/env-schema.ts). */
export interface PrivateSigningJwk {
  kty: "EC";
  crv: "P-256";
  kid: string;
  x: string;
  y: string;
  d: string;
}

/** TOKEN_SIGNING_KEYS: a JSON array of private ES256 JWKs (each with a kid), the first one signing. */
export function parseSigningKeys(value: string): PrivateSigningJwk[] | string {
  const jwkSchema = z.object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    kid: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    x: z.string().min(1),
    y: z.string().min(1),
    d: z.string().min(1),
  });
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return "must be a JSON array of private ES256 JWKs (generate with `npm run keys:generate`)";
  }
  const parsed = z.array(jwkSchema).min(1).safeParse(Array.isArray(json) ? json : [json]);
  if (!parsed.success) return "must hold private ES256 JWKs (kty EC, crv P-256, x, y, d, and a kid of 8 to 64 letters, digits, - or _)";
  // Two keys under one kid: a verifier could not tell which one signed a token.
  const kids = parsed.data.map((key) => key.kid);
  const repeated = kids.find((kid, index) => kids.indexOf(kid) !== index);
  return repeated ? `names kid ${repeated} twice: every key needs its own kid` : parsed.data;
}

