// Makes Node.js join repeated `Authorization` field lines with ", " instead of keeping the first and
// dropping the rest (see repeated-authorization.ts, which uses this and explains why). Plain CommonJS
// with no dependencies, so that the run scripts can also load it with `node --require` before Next.js
// listens: Node parses a request's headers before any listener runs, so a patch installed later (by
// instrumentation.ts, once Next.js has started) misses the requests that arrive while it boots.
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded with `node --require` */
"use strict";

const { IncomingMessage } = require("node:http");

const PATCHED = Symbol.for("gatehouse.joinRepeatedAuthorization");

function joinRepeatedAuthorizationHeaders() {
  const prototype = IncomingMessage.prototype;
  const original = prototype._addHeaderLine;
  if (!prototype[PATCHED] && typeof original === "function") {
    prototype._addHeaderLine = function addHeaderLine(field, value, dest) {
      if (field.length === 13 && field.toLowerCase() === "authorization" && typeof dest.authorization === "string") {
        dest.authorization = `${dest.authorization}, ${value}`;
        return;
      }
      original.call(this, field, value, dest);
    };
    prototype[PATCHED] = true;
  }
  // Checked, not assumed: `_addHeaderLine` is Node's internal, and a future Node may build headers otherwise.
  const probe = new IncomingMessage(null);
  probe._addHeaderLines(["Authorization", "Bearer first", "authorization", "Bearer second"], 4);
  return probe.headers.authorization === "Bearer first, Bearer second";
}

module.exports = { joinRepeatedAuthorizationHeaders };

// Loaded with `--require`: install at once.
if (process.env.GATEHOUSE_PRELOAD_JOIN_AUTHORIZATION === "1") joinRepeatedAuthorizationHeaders();
