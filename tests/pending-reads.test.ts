import { describe, expect, it } from "vitest";

import { PendingReads } from "@/server/pending-reads";

/*
 * The registry both local copies use to refuse a reply that a change may have overtaken (pure logic; the
 * copies' own tests drive it through real Redis and PostgreSQL announcements).
 */
describe("PendingReads", () => {
  it("spoils the reads in flight of a key that changes, and only those", () => {
    const pending = new PendingReads();
    const ofA = pending.begin(["a"]);
    const ofAandB = pending.begin(["a", "b"]);
    const ofC = pending.begin(["c"]);
    pending.spoil("b");
    expect([ofA.spoiled, ofAandB.spoiled, ofC.spoiled]).toEqual([false, true, false]);
    pending.spoil("a");
    expect([ofA.spoiled, ofC.spoiled]).toEqual([true, false]);
  });

  it("does not spoil a read that begins after the change, nor one that has ended", () => {
    const pending = new PendingReads();
    const ended = pending.begin(["a"]);
    ended.end();
    pending.spoil("a");
    const later = pending.begin(["a"]);
    expect([ended.spoiled, later.spoiled]).toEqual([false, false]);
  });

  it("spoils every read in flight when anything may have changed", () => {
    const pending = new PendingReads();
    const reads = [pending.begin(["a"]), pending.begin(["b", "c"])];
    pending.spoilAll();
    expect(reads.map((read) => read.spoiled)).toEqual([true, true]);
  });

  it("is empty once the last read in flight has ended", () => {
    const pending = new PendingReads();
    const first = pending.begin(["a", "b"]);
    const second = pending.begin(["a"]);
    first.end();
    expect(pending.isEmpty).toBe(false);
    second.end();
    expect(pending.isEmpty).toBe(true);
  });

  it("handles a read that names one key twice (an MGET of a repeated key)", () => {
    const pending = new PendingReads();
    const read = pending.begin(["a", "a"]);
    pending.spoil("a");
    expect(read.spoiled).toBe(true);
    read.end();
    expect(pending.isEmpty).toBe(true);
  });
});
