import { z } from "zod";

import { RECORD_ID_PATTERN } from "./record-id";
import { isStorableText, STORABLE_TEXT_MESSAGE } from "./storable-text";

/**
 * The demo API's notes, as clients send them. Shared by the route handlers, the OpenAPI document and any
 * form. Every object is strict: a body that smuggles `userId` (or any unknown key) is refused with 400
 * rather than silently dropped, so a client learns at once that it cannot choose a note's owner.
 */

export const NOTE_TITLE_MAX = 200;
export const NOTE_BODY_MAX = 10_000;
export const NOTE_PAGE_MAX = 100;

/** Note ids are record ids (cuids). Anything else cannot name a note. */
export const noteIdSchema = z.string().regex(RECORD_ID_PATTERN, "Not a note id.");

const noteTitleSchema = z.string().trim().min(1).max(NOTE_TITLE_MAX).refine(isStorableText, STORABLE_TEXT_MESSAGE);
const noteBodySchema = z.string().max(NOTE_BODY_MAX).refine(isStorableText, STORABLE_TEXT_MESSAGE);

export const noteCreateSchema = z.strictObject({
  title: noteTitleSchema,
  body: noteBodySchema.default(""),
});

/**
 * The fields a PATCH may change. Not `noteCreateSchema.partial()`: its `body` default would turn a
 * title-only update into "and erase the body".
 */
export const noteUpdateSchema = z
  .strictObject({
    title: noteTitleSchema.optional(),
    body: noteBodySchema.optional(),
  })
  .refine((update) => update.title !== undefined || update.body !== undefined, "Send at least one of title, body.");

/** `GET /api/v1/notes?cursor=&limit=`: the cursor is the id of the last note of the previous page. */
export const noteListQuerySchema = z.strictObject({
  cursor: noteIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(NOTE_PAGE_MAX).default(20),
});

export type NoteCreateInput = z.output<typeof noteCreateSchema>;
export type NoteUpdateInput = z.output<typeof noteUpdateSchema>;
export type NoteListQuery = z.output<typeof noteListQuerySchema>;

/** A note as the API returns it. */
export interface Note {
  id: string;
  title: string;
  body: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC. */
  updatedAt: string;
}

export interface NotePage {
  notes: Note[];
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null;
}
