// GET  /api/v1/notes — the caller's notes, newest first, one page at a time (?cursor=&limit=); scope notes:read.
// POST /api/v1/notes — creates a note; 201 with the note and its Location; scope notes:write.
import type { NextRequest } from "next/server";

import { noteCreateSchema, noteListQuerySchema } from "@/lib/notes-schema";
import { authenticate } from "@/server/auth/authenticate";
import { requireUserId } from "@/server/auth/require-user";
import { apiErrorResponse } from "@/server/http/api-error";
import { readJsonBody } from "@/server/http/json-body";
import { parseInput } from "@/server/http/parse-input";
import { getServices } from "@/server/services";
import { apiRoute } from "@/server/http/api-route";
import { methodsNotAllowed } from "@/server/http/methods-not-allowed";

export const dynamic = "force-dynamic";

// A person's notes: never in a shared cache, nor kept by the browser.
const headers = { "Cache-Control": "private, no-store" };

export const GET = apiRoute(async (request: NextRequest) => {
  try {
    const userId = requireUserId(await authenticate(request, { scopes: ["notes:read"] }));
    const query = parseInput(noteListQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
    return Response.json(await getServices().notes.list(userId, query), { headers });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

export const POST = apiRoute(async (request: NextRequest) => {
  try {
    const userId = requireUserId(await authenticate(request, { scopes: ["notes:write"] }));
    const note = await getServices().notes.create(userId, await readJsonBody(request, noteCreateSchema));
    return Response.json(note, { status: 201, headers: { ...headers, Location: `/api/v1/notes/${note.id}` } });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

// Any other method: 405 with Allow, in this endpoint's error shape (Next.js would answer an empty 405).
export const { PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET", "POST"], "api");
