import { describe, expect, it } from "vitest";

import { brandErrorClass } from "@/lib/branded-error";

describe("brandErrorClass", () => {
  it("recognises an error thrown by another copy of the same class (a second bundle of the module)", () => {
    class CopyOne extends Error {}
    class CopyTwo extends Error {}
    brandErrorClass(CopyOne, "TestError");
    brandErrorClass(CopyTwo, "TestError");
    expect(new CopyOne() instanceof CopyTwo).toBe(true);
    expect(new CopyTwo() instanceof CopyOne).toBe(true);
  });

  it("does not confuse different classes or plain errors", () => {
    class Mine extends Error {}
    class Theirs extends Error {}
    brandErrorClass(Mine, "Mine");
    brandErrorClass(Theirs, "Theirs");
    expect(new Mine() instanceof Theirs).toBe(false);
    expect(new Error("plain") instanceof Mine).toBe(false);
    expect((null as unknown as object) instanceof Mine).toBe(false);
  });

  it("leaves subclasses their own check", () => {
    class Base extends Error {}
    class Left extends Base {}
    class Right extends Base {}
    brandErrorClass(Base, "Base");
    expect(new Left() instanceof Base).toBe(true);
    expect(new Left() instanceof Left).toBe(true);
    expect(new Left() instanceof Right).toBe(false);
  });
});
