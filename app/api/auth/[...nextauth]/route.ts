// /api/auth/* — Auth.js: sign-in, OAuth/OIDC callbacks, sign-out, session, CSRF token.
import { handlers } from "@/auth";
import { withRequestContext } from "@/server/http/with-request-context";

// Auth.js creates the session deep inside its callback handler; the request context lets our adapter
// record the client's user agent and IP on it.

export const GET = withRequestContext(handlers.GET);
export const POST = withRequestContext(handlers.POST);
