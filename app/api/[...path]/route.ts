// Any other path under /api/: a JSON 404, whatever the method. The proxy does not run under /api/ (but
// Auth.js's /api/auth/*), so without this an unknown API path would get the HTML not-found page.
import { ApiError, apiErrorResponse } from "@/server/http/api-error";
import { apiRoute } from "@/server/http/api-route";

export const dynamic = "force-dynamic";

const notFound = apiRoute(() => apiErrorResponse(new ApiError("not_found", "There is no such API route.")));

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
