import type { PlaygroundTokenPair } from "@/lib/playground-types";
import { truncateSecret } from "./format";

/** Which card a request belongs to: each card shows its own latest answer next to its buttons. */
export type RequestSource = "session" | "access-token" | "refresh-token";

/** One request the page made, as the request log shows it. */
export interface LoggedRequest {
  id: number;
  source: RequestSource;
  /** When the answer arrived (ISO). */
  at: string;
  method: "GET" | "POST";
  url: string;
  /** What authenticated it, in words: "session cookie", "access token", "no credential"... */
  credential: string;
  /** Form parameters sent (secrets truncated). */
  requestBody?: Record<string, string>;
  /** 0 when no answer came back at all. */
  status: number;
  statusText: string;
  wwwAuthenticate: string | null;
  /** The JSON answer, with any token in it truncated. */
  body: unknown;
  /** What the answer teaches, when there is something to say. */
  note?: string;
}

export type Outcome = Omit<LoggedRequest, "id" | "note">;

/** A credential for GET /api/v1/me. */
export type MeCredential = { kind: "cookie" } | { kind: "none" } | { kind: "bearer"; token: string; label: string };

const ME_URL = "/api/v1/me";
const TOKEN_URL = "/oauth/token";

/**
 * GET /api/v1/me with exactly one credential. `credentials: "omit"` keeps the cookie out of the Bearer
 * and anonymous calls, so the answer shows what that credential alone is worth.
 */
export async function callMe(credential: MeCredential, source: RequestSource): Promise<Outcome> {
  const init: RequestInit =
    credential.kind === "cookie"
      ? { credentials: "same-origin" }
      : credential.kind === "none"
        ? { credentials: "omit" }
        : { credentials: "omit", headers: { Authorization: `Bearer ${credential.token}` } };
  const label = credential.kind === "cookie" ? "session cookie" : credential.kind === "none" ? "no credential" : credential.label;
  return send({ source, method: "GET", url: ME_URL, credential: label }, () => fetch(ME_URL, { ...init, cache: "no-store" }));
}

/**
 * POST /oauth/token with the refresh_token grant (RFC 6749 §6), as a public client: no secret, no
 * cookie. Returns the new pair too (untruncated, for the page's memory) when there is one.
 */
export async function refreshPair(input: { refreshToken: string; clientId: string; label: string }): Promise<{ outcome: Outcome; pair: PlaygroundTokenPair | null }> {
  const form = { grant_type: "refresh_token", refresh_token: input.refreshToken, client_id: input.clientId };
  let pair: PlaygroundTokenPair | null = null;
  const outcome = await send(
    { source: "refresh-token", method: "POST", url: TOKEN_URL, credential: input.label, requestBody: { ...form, refresh_token: truncateSecret(input.refreshToken) } },
    () => fetch(TOKEN_URL, { method: "POST", credentials: "omit", cache: "no-store", body: new URLSearchParams(form) }),
    (body, status) => {
      if (status === 200 && isTokenPair(body)) pair = body;
    },
  );
  return { outcome, pair };
}

async function send(
  request: Pick<LoggedRequest, "source" | "method" | "url" | "credential" | "requestBody">,
  perform: () => Promise<Response>,
  inspect: (body: unknown, status: number) => void = () => {},
): Promise<Outcome> {
  try {
    const response = await perform();
    const text = await response.text();
    const body = parseJson(text);
    inspect(body, response.status);
    return {
      ...request,
      at: new Date().toISOString(),
      status: response.status,
      statusText: response.statusText,
      wwwAuthenticate: response.headers.get("www-authenticate"),
      body: truncateTokens(body),
    };
  } catch (error) {
    return { ...request, at: new Date().toISOString(), status: 0, statusText: "No answer", wwwAuthenticate: null, body: error instanceof Error ? error.message : String(error) };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isTokenPair(body: unknown): body is PlaygroundTokenPair {
  if (typeof body !== "object" || body === null) return false;
  const candidate = body as Record<string, unknown>;
  return typeof candidate.access_token === "string" && typeof candidate.refresh_token === "string" && typeof candidate.expires_in === "number";
}

/** Tokens in an answer are shown truncated: the log is for reading, the page's memory is for using. */
function truncateTokens(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [key, (key === "access_token" || key === "refresh_token") && typeof value === "string" ? truncateSecret(value, 16) : value]),
  );
}
