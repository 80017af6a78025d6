// GET    /api/v1/notes/:id — one of the caller's notes; scope notes:read.
// PATCH  /api/v1/notes/:id — changes its title and/or body; scope notes:write.
// DELETE /api/v1/notes/:id — deletes it; 204; scope notes:write.
// Someone else's note answers exactly as a missing one (404), so ids reveal nothing about other people.
import type { NextRequest } from "next/server";

import { noteIdSchema, noteUpdateSchema } from "@/lib/notes-schema";
import { authenticate } from "@/server/auth/authenticate";
import { requireUserId } from "@/server/auth/require-user";
import { ApiError, apiErrorResponse } from "@/server/http/api-error";
import { readJsonBody } from "@/server/http/json-body";
import { getServices } from "@/server/services";
import { apiRoute } from "@/server/http/api-route";
import { pagesApiRoute } from "@/server/http/pages-api-route";

// The route's `[id]`, from its path (pagesApiRoute below), which noteIdSchema still checks.
type Context = { params: Promise<Record<string, string>> };

const headers = { "Cache-Control": "private, no-store" };
const notFound = () => new ApiError("not_found", "There is no such note.");

/** A malformed id cannot name a note: 404 like any other unknown id, without a query. */
async function noteIdFrom(context: Context): Promise<string> {
  const parsed = noteIdSchema.safeParse((await context.params).id);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const GET = apiRoute(async (request: NextRequest, context: Context) => {
  try {
    const userId = requireUserId(await authenticate(request, { scopes: ["notes:read"] }));
    const note = await getServices().notes.get(userId, await noteIdFrom(context));
    if (!note) throw notFound();
    return Response.json(note, { headers });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

const PATCH = apiRoute(async (request: NextRequest, context: Context) => {
  try {
    const userId = requireUserId(await authenticate(request, { scopes: ["notes:write"] }));
    const id = await noteIdFrom(context);
    const note = await getServices().notes.update(userId, id, await readJsonBody(request, noteUpdateSchema));
    if (!note) throw notFound();
    return Response.json(note, { headers });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

const DELETE = apiRoute(async (request: NextRequest, context: Context) => {
  try {
    const userId = requireUserId(await authenticate(request, { scopes: ["notes:write"] }));
    if (!(await getServices().notes.remove(userId, await noteIdFrom(context)))) throw notFound();
    return new Response(null, { status: 204, headers });
  } catch (error) {
    return apiErrorResponse(error);
  }
});

// Served as a Pages Router API route (server/http/pages-api-route.ts says why); any other method: 405 with Allow.
export default pagesApiRoute("/api/v1/notes/[id]", "api", { GET, PATCH, DELETE });
export const config = { api: { bodyParser: false } };
