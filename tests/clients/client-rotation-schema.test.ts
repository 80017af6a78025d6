import { describe, expect, it } from "vitest";

import { clientRotationSchema } from "@/lib/client-rotation-schema";

/* The admin page's rotate form: an overlap must be chosen among those offered, never assumed. */
describe("clientRotationSchema", () => {
  it("takes an offered overlap, none included when chosen", () => {
    expect(clientRotationSchema.parse({ clientId: "billing-1", overlapSeconds: "0" }).overlapSeconds).toBe(0);
    expect(clientRotationSchema.parse({ clientId: "billing-1", overlapSeconds: "3600" }).overlapSeconds).toBe(3600);
  });

  it.each([null, undefined, "", " ", "0x0", "1e3", "-0", "03600", "3601", "999999999"])("refuses %j, rather than reading it as none (the old secret's end)", (overlapSeconds) => {
    expect(clientRotationSchema.safeParse({ clientId: "billing-1", overlapSeconds }).success).toBe(false);
  });
});
