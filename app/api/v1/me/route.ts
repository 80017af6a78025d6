// GET /api/v1/me — the signed-in person, from the browser session cookie (401 without a live session).
import { getCurrentSession } from "@/server/auth/current-session";

export const dynamic = "force-dynamic";

export async function GET() {
  const session = await getCurrentSession();
  if (!session) {
    return Response.json({ error: { code: "unauthenticated", message: "Sign in to use this endpoint." } }, { status: 401 });
  }
  const { id, name, email, image } = session.user;
  return Response.json({ user: { id, name, email, image } }, { headers: { "Cache-Control": "private, no-store" } });
}
