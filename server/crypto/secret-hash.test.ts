import { describe, expect, it } from "vitest";

import { sha256Hex } from "./secret-hash";

describe("sha256Hex", () => {
  it("is the lowercase hex SHA-256 of the UTF-8 string", () => {
    // FIPS 180-2 test vector: SHA-256("abc").
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("é")).toBe(sha256Hex("\u00e9"));
    expect(sha256Hex("ghr_x")).toMatch(/^[0-9a-f]{64}$/);
  });
});
