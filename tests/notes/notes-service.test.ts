import { beforeAll, describe, expect, it, vi } from "vitest";

import type { PrismaClient } from "@/generated/prisma/client";
import type { Note } from "@/lib/notes-schema";
import { createNotesService, type NotesService } from "@/server/notes/notes-service";
import { useTestDatabase } from "../support/test-database";
import { InvalidTokenError } from "@/server/auth/principal";

/* The notes service against the real PostgreSQL: what one person can do with their notes, and that no
   id, cursor or update reaches another person's. */

describe("notes service", () => {
  const database = useTestDatabase("notes");
  let db: PrismaClient;
  let notes: NotesService;

  beforeAll(async () => {
    db = database.db;
    notes = createNotesService({ db });
  });

  async function newUserId(name = "Note Taker") {
    return (await db.user.create({ data: { name } })).id;
  }

  /** Every page from the first, following `nextCursor` (bounded, so a cursor that never ends fails). */
  async function allPages(userId: string, limit: number) {
    const pages: Note[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await notes.list(userId, { cursor, limit });
      pages.push(page.notes);
      if (page.nextCursor === null) return pages;
      cursor = page.nextCursor;
    }
    throw new Error("pagination did not end");
  }

  describe("CRUD", () => {
    it("creates a note owned by the caller and returns it with ISO timestamps", async () => {
      const userId = await newUserId();
      const note = await notes.create(userId, { title: "Groceries", body: "Milk, eggs" });
      expect(note).toEqual({ id: expect.any(String), title: "Groceries", body: "Milk, eggs", createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect(new Date(note.createdAt).toISOString()).toBe(note.createdAt);
      expect(await db.note.findUniqueOrThrow({ where: { id: note.id } })).toMatchObject({ userId, title: "Groceries" });
      expect(Object.keys(note)).not.toContain("userId");
    });

    it("refuses, as an invalid credential, a note for a person who no longer exists", async () => {
      const userId = await newUserId();
      await db.user.delete({ where: { id: userId } });
      await expect(notes.create(userId, { title: "orphan", body: "" })).rejects.toBeInstanceOf(InvalidTokenError);
    });

    it("gets a note by id", async () => {
      const userId = await newUserId();
      const note = await notes.create(userId, { title: "Read me", body: "" });
      expect(await notes.get(userId, note.id)).toEqual(note);
    });

    it("answers null for an id that does not exist", async () => {
      const userId = await newUserId();
      expect(await notes.get(userId, "cnotanid000000000000000000")).toBeNull();
      expect(await notes.update(userId, "cnotanid000000000000000000", { title: "x" })).toBeNull();
      expect(await notes.remove(userId, "cnotanid000000000000000000")).toBe(false);
    });

    it("updates only the fields given, and moves updatedAt", async () => {
      const userId = await newUserId();
      const note = await notes.create(userId, { title: "Draft", body: "Keep this body" });
      // A minute later, by the clock Prisma stamps @updatedAt with (only Date is faked: timers and I/O run).
      const later = new Date(Date.parse(note.updatedAt) + 60_000);
      vi.useFakeTimers({ toFake: ["Date"], now: later });
      const updated = await notes.update(userId, note.id, { title: "Final" }).finally(() => vi.useRealTimers());
      expect(updated).toMatchObject({ id: note.id, title: "Final", body: "Keep this body", createdAt: note.createdAt });
      expect(Date.parse(updated!.updatedAt)).toBeGreaterThan(Date.parse(note.updatedAt));
      expect(updated!.updatedAt).toBe(later.toISOString());
      expect(await notes.get(userId, note.id)).toEqual(updated);

      expect(await notes.update(userId, note.id, { body: "" })).toMatchObject({ title: "Final", body: "" });
    });

    it("deletes a note once", async () => {
      const userId = await newUserId();
      const note = await notes.create(userId, { title: "Short-lived", body: "" });
      expect(await notes.remove(userId, note.id)).toBe(true);
      expect(await notes.get(userId, note.id)).toBeNull();
      expect(await notes.remove(userId, note.id)).toBe(false);
    });
  });

  describe("pagination", () => {
    it("walks every note exactly once, newest first, across pages", async () => {
      const userId = await newUserId();
      const otherId = await newUserId("Neighbour");
      const created: Note[] = [];
      for (let i = 0; i < 11; i++) {
        created.push(await notes.create(userId, { title: `note ${i}`, body: "" }));
        await notes.create(otherId, { title: `neighbour ${i}`, body: "" }); // interleaved ids: the filter must hold
      }

      const pages = await allPages(userId, 4);
      expect(pages.map((page) => page.length)).toEqual([4, 4, 3]);
      const walked = pages.flat().map((note) => note.id);
      expect(new Set(walked).size).toBe(walked.length); // no overlap
      expect(walked).toEqual(created.map((note) => note.id).reverse()); // no gaps, newest first
    });

    it("says there is no next page when the last page is exactly full", async () => {
      const userId = await newUserId();
      for (let i = 0; i < 6; i++) await notes.create(userId, { title: `note ${i}`, body: "" });
      expect((await allPages(userId, 3)).map((page) => page.length)).toEqual([3, 3]);
      expect(await notes.list(userId, { limit: 6 })).toMatchObject({ nextCursor: null });
    });

    it("neither skips nor repeats a note when notes already seen are deleted between pages", async () => {
      const userId = await newUserId();
      const created: Note[] = [];
      for (let i = 0; i < 6; i++) created.push(await notes.create(userId, { title: `note ${i}`, body: "" }));
      const first = await notes.list(userId, { limit: 3 });
      // An offset-based page 2 would now start one note late and silently skip note 2.
      for (const seen of first.notes) await notes.remove(userId, seen.id);
      const second = await notes.list(userId, { cursor: first.nextCursor!, limit: 3 });
      expect(second.notes.map((note) => note.title)).toEqual(["note 2", "note 1", "note 0"]);
      expect(second.nextCursor).toBeNull();
    });

    it("answers an empty page for a person without notes", async () => {
      expect(await notes.list(await newUserId(), { limit: 20 })).toEqual({ notes: [], nextCursor: null });
    });
  });

  describe("isolation", () => {
    async function aliceAndBob() {
      const alice = await newUserId("Alice");
      const bob = await newUserId("Bob");
      const aliceNote = await notes.create(alice, { title: "Alice's secret", body: "only mine" });
      const bobNote = await notes.create(bob, { title: "Bob's note", body: "" });
      return { alice, bob, aliceNote, bobNote };
    }

    it("does not let Bob get Alice's note", async () => {
      const { bob, aliceNote } = await aliceAndBob();
      expect(await notes.get(bob, aliceNote.id)).toBeNull();
    });

    it("does not let Bob update Alice's note", async () => {
      const { alice, bob, aliceNote } = await aliceAndBob();
      expect(await notes.update(bob, aliceNote.id, { title: "pwned", body: "pwned" })).toBeNull();
      expect(await notes.get(alice, aliceNote.id)).toEqual(aliceNote);
    });

    it("does not let Bob delete Alice's note", async () => {
      const { alice, bob, aliceNote } = await aliceAndBob();
      expect(await notes.remove(bob, aliceNote.id)).toBe(false);
      expect(await notes.get(alice, aliceNote.id)).toEqual(aliceNote);
    });

    it("lists only Bob's own notes, even with Alice's note id as the cursor", async () => {
      const { alice, bob, aliceNote, bobNote } = await aliceAndBob();
      expect((await notes.list(bob, { limit: 100 })).notes).toEqual([bobNote]);
      // Bob's note was created after Alice's, so its id sorts above this cursor: nothing of his is below it.
      expect(await notes.list(bob, { cursor: aliceNote.id, limit: 100 })).toEqual({ notes: [], nextCursor: null });
      // A cursor is only a position: above Bob's note it still yields his note and nothing of Alice's.
      const later = await notes.create(alice, { title: "Alice again", body: "" });
      expect((await notes.list(bob, { cursor: later.id, limit: 100 })).notes).toEqual([bobNote]);
      expect((await notes.list(alice, { limit: 100 })).notes.map((note) => note.id)).toEqual([later.id, aliceNote.id]);
    });

    it("treats an unknown cursor as a position among the caller's own notes", async () => {
      const { bob, bobNote } = await aliceAndBob();
      expect((await notes.list(bob, { cursor: "zzzzzzzz", limit: 100 })).notes).toEqual([bobNote]);
      expect((await notes.list(bob, { cursor: "0", limit: 100 })).notes).toEqual([]);
    });
  });
});
