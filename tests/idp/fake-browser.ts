// A tiny browser for the identity provider's tests: fetch with manual redirects and a cookie jar that
// honours cookie paths (the provider scopes its interaction cookies to /interaction/<uid> and /auth/<uid>).
import { createHash, randomBytes } from "node:crypto";

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

export class FakeBrowser {
  private readonly cookies = new Map<string, StoredCookie>();

  /** One request, no redirect following; stores the cookies it sets. */
  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookieHeader = [...this.cookies.values()]
      .filter((cookie) => pathMatches(cookie.path, target.pathname))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join("; ");
    const headers = new Headers(init.headers);
    if (cookieHeader) headers.set("cookie", cookieHeader);
    const response = await fetch(target, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  /** Posts an HTML form the way a browser does. */
  post(url: string | URL, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  cookieNames(): string[] {
    return [...new Set([...this.cookies.values()].map((cookie) => cookie.name))];
  }

  private store(line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let path = "/";
    let expired = value === "";
    for (const attribute of attributes) {
      const [key = "", attributeValue = ""] = attribute.split("=");
      if (key.toLowerCase() === "path") path = attributeValue;
      if (key.toLowerCase() === "expires" && Date.parse(attributeValue) <= Date.now()) expired = true;
      if (key.toLowerCase() === "max-age" && Number(attributeValue) <= 0) expired = true;
    }
    const key = `${name}\u0000${path}`;
    if (expired) this.cookies.delete(key);
    else this.cookies.set(key, { name, value, path });
  }
}

export interface PkceRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
  codeChallenge: string;
}

export function newPkceRequest(): PkceRequest {
  const codeVerifier = randomBytes(32).toString("base64url");
  return {
    state: randomBytes(16).toString("base64url"),
    nonce: randomBytes(16).toString("base64url"),
    codeVerifier,
    codeChallenge: createHash("sha256").update(codeVerifier).digest("base64url"),
  };
}

/** The value attribute of the first hidden input with this name in a form_post page. */
function hiddenInput(html: string, name: string): string | undefined {
  return new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1];
}

/**
 * Follows redirects from `response` until one leaves the provider (to the client's redirect URI) or a page
 * is shown. The provider's auto-submitting form_post pages (used when the signed-in person changes) are
 * submitted as a browser with JavaScript would.
 */
export async function followUntilLeaving(
  browser: FakeBrowser,
  issuer: string,
  response: Response,
): Promise<{ leftTo?: URL; page?: Response }> {
  let current = response;
  for (let hop = 0; hop < 20; hop += 1) {
    const location = current.headers.get("location");
    if (current.status >= 300 && current.status < 400 && location) {
      const next = new URL(location, issuer);
      if (next.origin !== new URL(issuer).origin) return { leftTo: next };
      current = await browser.request(next);
      continue;
    }
    const type = current.headers.get("content-type") ?? "";
    if (current.status === 200 && type.includes("text/html")) {
      const html = await current.clone().text();
      const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
      const xsrf = hiddenInput(html, "xsrf");
      if (action && xsrf && html.includes("<title>Submitting Callback</title>")) {
        current = await browser.post(new URL(action.replaceAll("&amp;", "&"), issuer), {
          xsrf,
          logout: hiddenInput(html, "logout") ?? "",
        });
        continue;
      }
    }
    return { page: current };
  }
  throw new Error("too many redirects");
}
