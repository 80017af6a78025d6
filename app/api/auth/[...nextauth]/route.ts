// /api/auth/* — Auth.js: sign-in, OAuth/OIDC callbacks, sign-out, session, CSRF token.
import { handlers } from "@/auth";

export const { GET, POST } = handlers;
