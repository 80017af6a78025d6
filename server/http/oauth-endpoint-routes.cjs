// Sends the OAuth endpoints' public paths straight to their routes. /oauth/token, /introspect, /revoke
// and /device_authorization are Pages Router API routes under /api/oauth/ (pages-api-route.ts says why),
// and next.config.ts rewrites the public paths to them; but a rewrite costs Next.js about 50 µs of every
// request to these endpoints (it compiles the destination anew each time: measured as 10–15% of a bare
// Pages API route here). This hook maps the four exact paths before Next.js reads the request, so Next
// finds the route as a file and never consults the rewrite, and it records the path the client asked
// for on the request, where no client can write, so the route still answers as (and only as) the public
// endpoint (`routedFrom`). Where it does not run, the rewrite does the same job: on Vercel the platform
// applies it before the function, and Next.js leaves `req.url` as the client sent it.
//
// Plain CommonJS, like the other hooks here: the run scripts load it with `node --require` before
// Next.js listens, and instrumentation.ts installs it for hosts that start Next.js themselves.
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded with `node --require` */
"use strict";

const { Server } = require("node:http");

const PATCHED = Symbol.for("gatehouse.oauthEndpointRoutes");
const PUBLIC_URL = Symbol.for("gatehouse.publicUrl");

/** Each public path and the route that serves it: next.config.ts's rewrites are made from this list. */
const OAUTH_ENDPOINT_ROUTES = ["token", "introspect", "revoke", "device_authorization"].map((endpoint) => ({ source: `/oauth/${endpoint}`, destination: `/api/oauth/${endpoint}` }));
const ROUTES = new Map(OAUTH_ENDPOINT_ROUTES.map(({ source, destination }) => [source, destination]));

/** Installs the mapping on every HTTP server of this process (idempotent). */
function routeOAuthEndpointsDirectly() {
  const prototype = Server.prototype;
  if (!prototype[PATCHED]) {
    const emit = prototype.emit;
    prototype.emit = function emitWithOAuthRoutes(event, request) {
      if (event === "request" && typeof request.url === "string" && request.url.startsWith("/oauth/")) {
        const query = request.url.indexOf("?");
        const route = ROUTES.get(query === -1 ? request.url : request.url.slice(0, query));
        if (route) {
          request[PUBLIC_URL] = request.url;
          request.url = query === -1 ? route : route + request.url.slice(query);
        }
      }
      return emit.apply(this, arguments);
    };
    prototype[PATCHED] = true;
  }
  return prototype[PATCHED] === true;
}

/** The public endpoint's URL path (and query) the client asked for, when this hook routed the request; else undefined. */
function routedFrom(request) {
  return request[PUBLIC_URL];
}

module.exports = { OAUTH_ENDPOINT_ROUTES, routedFrom, routeOAuthEndpointsDirectly };

// Loaded with `--require`: install at once.
if (process.env.GATEHOUSE_PRELOAD_OAUTH_ENDPOINT_ROUTES === "1") routeOAuthEndpointsDirectly();
