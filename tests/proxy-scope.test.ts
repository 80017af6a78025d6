import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { tryToParsePath } from "next/dist/lib/try-to-parse-path";
import { describe, expect, it } from "vitest";

import { HEADER_RULE_SOURCE, PROXY_SCOPE_SOURCE } from "@/lib/proxy-scope";

/*
 * What runs without the proxy must guard itself. The proxy's matcher leaves out the static assets and
 * the route handlers that call apiRoute; these tests fail when a page falls outside the proxy, when a
 * route handler is outside both, or when proxy.ts and next.config.ts's header rule stop agreeing.
 */
const root = path.resolve(import.meta.dirname, "..");
const appDir = path.join(root, "app");

/**
 * The matcher compiled as Next.js compiles it (get-page-static-info.js): path-to-regexp's source, run
 * as `new RegExp(source)`, so case-sensitive like Next's routes (`/API/v1/me` is a page: the 404).
 */
const matcher = new RegExp(tryToParsePath(PROXY_SCOPE_SOURCE).regexStr!);
const inScope = (pathname: string) => matcher.test(pathname);
/** The header rule compiled the same way (next.config.ts sets caseSensitiveRoutes, so no `i` flag). */
const headerRule = new RegExp(tryToParsePath(HEADER_RULE_SOURCE).regexStr!);
const hasPageHeaders = (pathname: string) => headerRule.test(pathname);

function filesNamed(directory: string, name: RegExp): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && name.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** A URL path that reaches the file: dynamic segments filled in, route groups and private folders as Next treats them. */
function samplePath(file: string): string {
  const segments = path.relative(appDir, path.dirname(file)).split(path.sep).filter(Boolean);
  const url = segments.filter((segment) => !/^\(.*\)$/.test(segment)).map((segment) => (segment.startsWith("[") ? "x" : segment));
  return `/${url.join("/")}`;
}

describe("the proxy's scope", () => {
  it("is one pattern: proxy.ts's matcher literal is PROXY_SCOPE_SOURCE", () => {
    const proxySource = readFileSync(path.join(root, "proxy.ts"), "utf8");
    const literal = /matcher: \[\{ source: ("(?:[^"\\]|\\.)*") \}\]/.exec(proxySource)?.[1];
    expect(literal, "proxy.ts must have exactly one matcher source").toBeDefined();
    expect(JSON.parse(literal!)).toBe(PROXY_SCOPE_SOURCE);
  });

  it("next.config.ts's header rule is HEADER_RULE_SOURCE, compared case-sensitively as the routes are", () => {
    const config = readFileSync(path.join(root, "next.config.ts"), "utf8");
    expect(config).toContain("{ source: HEADER_RULE_SOURCE, headers: staticSecurityHeaders(");
    expect(config).toMatch(/experimental: \{[^}]*caseSensitiveRoutes: true/);
  });

  it("the header rule leaves out exactly what the proxy leaves out, the build's assets aside", () => {
    const pages = ["/", "/account", "/api", "/api/auth/signin/local", "/oauth/token/x", "/oauth/tokenx", "/.well-known/other", "/API/v1/me", "/OAUTH/token", "/favicon.ico"];
    for (const pathname of pages) expect(hasPageHeaders(pathname), pathname).toBe(true);
    // Next.js's own answers under /_next/ keep the rule, though the proxy never runs there.
    for (const pathname of ["/_next/static/chunks/x.js", "/_next/image", "/_next/static/missing.js"]) expect(hasPageHeaders(pathname), pathname).toBe(true);
    const handlers = ["/api/v1/me", "/api/v1/notes/x", "/api/health", "/api/no-such-route", "/oauth/token", "/oauth/introspect", "/oauth/revoke", "/oauth/device_authorization", "/.well-known/jwks.json", "/.well-known/oauth-authorization-server"];
    for (const pathname of handlers) expect(hasPageHeaders(pathname), pathname).toBe(false);
  });

  it("covers every page", () => {
    const pages = filesNamed(appDir, /^page\.tsx?$/);
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) expect(inScope(samplePath(page)), `${path.relative(root, page)} (${samplePath(page)})`).toBe(true);
    for (const page of pages) expect(hasPageHeaders(samplePath(page)), `${path.relative(root, page)} gets the page headers`).toBe(true);
  });

  it("leaves out every route handler but Auth.js's, and each of those is wrapped in apiRoute", () => {
    const routes = filesNamed(appDir, /^route\.ts$/);
    expect(routes.length).toBeGreaterThanOrEqual(3);
    for (const route of routes) {
      const name = path.relative(root, route);
      const source = readFileSync(route, "utf8");
      if (samplePath(route).startsWith("/api/auth/")) {
        expect(inScope(samplePath(route)), name).toBe(true);
        continue;
      }
      expect(inScope(samplePath(route)), name).toBe(false);
      expect(hasPageHeaders(samplePath(route)), `${name} sets its own headers`).toBe(false);
      // Every HTTP method it exports is apiRoute(...) or a constant made with it.
      expect(source, `${name} exports a handler as a function`).not.toMatch(/export (async )?function (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/);
      const methods = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) = ([^\n]+)/g)];
      expect(methods.length, `${name} exports no handler`).toBeGreaterThan(0);
      // Handlers exported together (the methods a route does not serve) come from methodsNotAllowed, which wraps them in apiRoute.
      for (const [, value] of source.matchAll(/export const \{[^}]*\} = ([^\n]+)/g)) expect(value, `${name} exports handlers from something else`).toMatch(/^methodsNotAllowed\(/);
      expect(readFileSync(path.join(root, "server/http/methods-not-allowed.ts"), "utf8")).toMatch(/= apiRoute\(/);
      for (const [, method, value] of methods) {
        const wrapped = value!.startsWith("apiRoute(") || new RegExp(`const ${value!.replace(/;$/, "")} = apiRoute\\(`).test(source);
        expect(wrapped, `${name} ${method}`).toBe(true);
      }
    }
  });

  it("leaves out every Pages Router API route, each serving only apiRoute handlers through pagesApiRoute", () => {
    const pagesDir = path.join(root, "pages");
    const routes = filesNamed(pagesDir, /\.tsx?$/);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const name = path.relative(root, route);
      // The Pages Router serves the API only: a page there would have no proxy (CSP nonce, sign-in) in front.
      expect(name.startsWith(path.join("pages", "api") + path.sep), `${name} is a page in the Pages Router`).toBe(true);
      const source = readFileSync(route, "utf8");
      const served = /^export default pagesApiRoute\("([^"]+)", "(?:api|oauth)", \{ ([A-Z, ]+) \}\);$/m.exec(source);
      expect(served, `${name} default-exports pagesApiRoute(path, boundary, { handlers })`).not.toBeNull();
      expect(source, `${name} reads its own body`).toContain("export const config = { api: { bodyParser: false } };");
      // The path it answers at is its file's, or for an OAuth endpoint (next.config.ts rewrites it here) its public path.
      const filePath = `/${path.relative(pagesDir, route).replace(/\.tsx?$/, "").replace(/(^|\/)index$/, "").split(path.sep).join("/")}`;
      expect(served![1], name).toBe(filePath.replace(/^\/api\/oauth\//, "/oauth/"));
      for (const pathname of new Set([filePath, served![1]!].map((p) => p.replace(/\[\w+\]/g, "x")))) {
        expect(inScope(pathname), `${name} (${pathname})`).toBe(false);
        expect(hasPageHeaders(pathname), `${name} (${pathname}) sets its own headers`).toBe(false);
      }
      for (const method of served![2]!.split(", ")) expect(source, `${name} ${method}`).toMatch(new RegExp(`^const ${method} = apiRoute\\(`, "m"));
    }
  });

  it("keeps near spellings of the excluded paths inside the proxy", () => {
    const pages = ["/", "/account", "/api", "/apix/v1", "/api/auth/signin/local", "/api/auth/callback/local", "/oauth/authorize", "/oauth/token/x", "/oauth/tokenx", "/oauth/revoke.json",
      "/.well-known/other", "/.well-known/jwks.json.html", "/.well-known/jwks_json", "/_next/static", "/_next/staticx", "/_next/imagex", "/_next/image/x", "/favicon.ico", "/x/api/v1/me", "/API/v1/me", "/OAUTH/token", "/.WELL-KNOWN/jwks.json"];
    for (const pathname of pages) expect(inScope(pathname), pathname).toBe(true);
    const handlers = ["/api/v1/me", "/api/v1/notes/x", "/api/health", "/api/no-such-route", "/oauth/token", "/oauth/introspect", "/oauth/revoke", "/.well-known/jwks.json", "/.well-known/oauth-authorization-server", "/_next/static/chunks/x.js", "/_next/image"];
    for (const pathname of handlers) expect(inScope(pathname), pathname).toBe(false);
  });
});
