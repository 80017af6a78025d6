import type { PrismaClient } from "@/generated/prisma/client";
import type { Note, NoteCreateInput, NoteListQuery, NotePage, NoteUpdateInput } from "@/lib/notes-schema";
import { InvalidTokenError } from "@/server/auth/principal";

export interface NotesServiceDeps {
  db: PrismaClient;
}

const noteColumns = { id: true, title: true, body: true, createdAt: true, updatedAt: true } as const;

type NoteRow = { id: string; title: string; body: string; createdAt: Date; updatedAt: Date };

function toNote(row: NoteRow): Note {
  return { id: row.id, title: row.title, body: row.body, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/**
 * The demo API's notes. Every query names the owner in its `where`, so no id, cursor or race can reach
 * another person's note: a note that is not the caller's looks exactly like one that does not exist
 * (`null` / `false`), and the routes answer both with the same 404. No Next.js here: the database is given,
 * so it is tested on its own against real PostgreSQL.
 */
export function createNotesService({ db }: NotesServiceDeps) {
  return {
    /**
     * One page of the person's notes, newest first. Ordered by id descending (cuids begin with their
     * creation time, so this is creation order to the millisecond) with keyset pagination: the cursor is
     * the last id of the previous page, and the next page is `id < cursor` among the person's own notes.
     * Unlike an offset, a note created or deleted between two requests shifts nothing, so pages neither
     * overlap nor skip. A cursor naming someone else's note, or no note at all, only sets where to start.
     * One extra row is fetched to know whether another page follows.
     */
    async list(userId: string, { cursor, limit }: NoteListQuery): Promise<NotePage> {
      const rows = await db.note.findMany({
        where: { userId, ...(cursor !== undefined && { id: { lt: cursor } }) },
        orderBy: { id: "desc" },
        take: limit + 1,
        select: noteColumns,
      });
      const page = rows.slice(0, limit);
      return { notes: page.map(toNote), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
    },

    /** Creates a note owned by `userId` (the owner comes from the principal, never from the body). */
    /**
     * @throws {InvalidTokenError} when the person no longer exists (a token can outlive its account by
     *   up to its lifetime): the foreign key refuses the row, and the caller answers 401, not 500.
     */
    async create(userId: string, input: NoteCreateInput): Promise<Note> {
      try {
        return toNote(await db.note.create({ data: { userId, title: input.title, body: input.body }, select: noteColumns }));
      } catch (error) {
        // By code, not class: Next may bundle the Prisma client twice (see lib/branded-error.ts).
        if ((error as { code?: unknown } | null)?.code === "P2003") {
          throw new InvalidTokenError("The account this credential belongs to no longer exists.");
        }
        throw error;
      }
    },

    /** The person's note with this id, or `null` (whether it does not exist or is someone else's). */
    async get(userId: string, id: string): Promise<Note | null> {
      const row = await db.note.findFirst({ where: { id, userId }, select: noteColumns });
      return row && toNote(row);
    },

    /**
     * Changes the given fields of the person's note, or returns `null`. One `UPDATE ... WHERE id AND userId
     * RETURNING`: the ownership check and the write are the same statement, so there is no window between
     * "is it theirs?" and "change it".
     */
    async update(userId: string, id: string, input: NoteUpdateInput): Promise<Note | null> {
      const [row] = await db.note.updateManyAndReturn({
        where: { id, userId },
        data: { title: input.title, body: input.body },
        select: noteColumns,
      });
      return row ? toNote(row) : null;
    },

    /** Deletes the person's note; `false` when there was none of theirs to delete. */
    async remove(userId: string, id: string): Promise<boolean> {
      const { count } = await db.note.deleteMany({ where: { id, userId } });
      return count > 0;
    },
  };
}

export type NotesService = ReturnType<typeof createNotesService>;
