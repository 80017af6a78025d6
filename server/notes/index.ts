import "server-only";

import { getDb } from "@/server/db";

import { createNotesService, type NotesService } from "./notes-service";

const globalForNotes = globalThis as unknown as { gatehouseNotes?: NotesService };

/** The app's notes service, on the app's one Prisma client. */
export function getNotesService(): NotesService {
  globalForNotes.gatehouseNotes ??= createNotesService({ db: getDb() });
  return globalForNotes.gatehouseNotes;
}
