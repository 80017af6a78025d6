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
import { pagesApiRoute } from "@/server/http/pages-api-route";

// A person's notes: never in a shared cache, nor kept by the browser.
const headers = { "Cache-Control": "private, no-store" };

const GET = apiRoute(async (request: NextRequest) => {
  try {
    const userId = requireUserId(await authenticate(request, { scopes: ["notes:read"] }));
    const query = parseInput(noteListQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
    return Response.json(await getServices().notes.list(userId, query), { headers });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

const POST = apiRoute(async (request: NextRequest) => {
  try {
    const userId = requireUserId(await authenticate(request, { scopes: ["notes:write"] }));
    const note = await getServices().notes.create(userId, await readJsonBody(request, noteCreateSchema));
    return Response.json(note, { status: 201, headers: { ...headers, Location: `/api/v1/notes/${note.id}` } });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/api/v1/notes", "api", { GET, POST });
export const config = { api: { bodyParser: false } };
