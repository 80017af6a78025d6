import { describe, expect, it } from "vitest";

import { constantTimeEqual } from "./constant-time";

describe("constantTimeEqual", () => {
  it("is true for equal strings only", () => {
    expect(constantTimeEqual("ghs_secret", "ghs_secret")).toBe(true);
    expect(constantTimeEqual("ghs_secret", "ghs_secreT")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });

  it("refuses a prefix or an extension of the secret, without throwing on the length difference", () => {
    expect(constantTimeEqual("Bearer abc", "Bearer abcd")).toBe(false);
    expect(constantTimeEqual("Bearer abcd", "Bearer abc")).toBe(false);
    expect(constantTimeEqual("", "Bearer abc")).toBe(false);
  });

  it("compares the strings, not what they decode to", () => {
    // Hex decoding stops at the first non-hex character and ignores case: "ab" and "abzz" both decode
    // to one byte, 0xab. Two different strings are never equal here.
    expect(constantTimeEqual("ab", "abzz")).toBe(false);
    expect(constantTimeEqual("AB", "ab")).toBe(false);
  });
});
