import { z } from "zod";

import { noteCreateSchema, noteIdSchema, noteListQuerySchema, noteUpdateSchema } from "./notes-schema";
import type { JsonSchema, OpenApiDocument, Operation, Reference } from "./openapi-types";
import { SCOPES, type Scope } from "./scopes";

/**
 * The demo API's OpenAPI 3.1 description, served at /api/v1/openapi.json. Request schemas are generated
 * from the same zod schemas the routes validate with, so the document cannot drift from what is enforced;
 * response shapes are written out here.
 */

/** JSON Schema of what a client sends (`io: "input"`: fields with a default are optional). */
function inputSchema(schema: z.ZodType): JsonSchema {
  const jsonSchema: JsonSchema = z.toJSONSchema(schema, { io: "input" });
  delete jsonSchema.$schema; // The document's dialect already is 2020-12 (OpenAPI 3.1 §4.8.24.1).
  return jsonSchema;
}

const listQuery = inputSchema(noteListQuerySchema).properties as Record<string, JsonSchema>;

const ref = (path: string): Reference => ({ $ref: `#/components/${path}` });
const json = (schema: JsonSchema, example?: unknown) => ({ "application/json": { schema, ...(example !== undefined && { example }) } });

/** Any one credential will do: a Bearer access token carrying `scope`, or the browser's session cookie. */
function securityFor(scope: Scope): Operation["security"] {
  return [{ bearerAuth: [scope] }, { oauth2: [scope] }, { sessionCookie: [] }];
}

/** The failures every protected operation can answer. */
const authErrors = {
  "401": ref("responses/Unauthorized"),
  "403": ref("responses/Forbidden"),
  "500": ref("responses/InternalError"),
};

const exampleNote = {
  id: "cmihx1z2a0000abcd1234efgh",
  title: "Groceries",
  body: "Milk, eggs",
  createdAt: "2026-11-27T09:00:00.000Z",
  updatedAt: "2026-11-27T09:00:00.000Z",
};

export const openApiDocument: OpenApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Gatehouse demo API",
    version: "1.0.0",
    description:
      "A small resource API protected the way Gatehouse recommends: call it with a Bearer access token " +
      "(a personal token from /account/tokens, or one obtained with the OAuth 2.0 authorization code flow " +
      "with PKCE), or from the browser with the session cookie. Errors are `{ error: { code, message } }`; " +
      "401 and 403 also carry `WWW-Authenticate: Bearer ...` (RFC 6750 §3).",
  },
  servers: [{ url: "/", description: "This Gatehouse" }],
  tags: [
    { name: "me", description: "Who is calling" },
    { name: "notes", description: "The caller's own notes" },
  ],
  paths: {
    "/api/v1/me": {
      get: {
        operationId: "getMe",
        tags: ["me"],
        summary: "Who is calling: the person the credential acts for, or a client acting for itself",
        description:
          "A person (session cookie, or a Bearer token with the `profile` scope) is `{ kind: \"person\", user }`. " +
          "A client's own token (the client credentials grant) is `{ kind: \"client\", client_id, name, scopes }`, " +
          "whatever its scopes: routes that act on a person's data answer such a token 403.",
        security: [{ bearerAuth: ["profile"] }, { oauth2: ["profile"] }, { sessionCookie: [] }, { bearerAuth: [] }],
        responses: { "200": { description: "The caller.", content: json(ref("schemas/Me")) }, ...authErrors },
      },
    },
    "/api/v1/notes": {
      get: {
        operationId: "listNotes",
        tags: ["notes"],
        summary: "A page of the caller's notes, newest first",
        description:
          "Keyset pagination: pass the previous page's `nextCursor` as `cursor` until it is `null`. Pages " +
          "neither overlap nor skip notes, even while notes are added or deleted.",
        security: securityFor("notes:read"),
        parameters: [
          { name: "cursor", in: "query", description: "The `nextCursor` of the previous page.", schema: listQuery.cursor! },
          { name: "limit", in: "query", description: "Notes per page.", schema: listQuery.limit! },
        ],
        responses: {
          "200": { description: "One page.", content: json(ref("schemas/NotePage")) },
          "400": ref("responses/BadRequest"),
          ...authErrors,
        },
      },
      post: {
        operationId: "createNote",
        tags: ["notes"],
        summary: "Create a note",
        security: securityFor("notes:write"),
        requestBody: { required: true, content: json(ref("schemas/NoteCreate"), { title: "Groceries", body: "Milk, eggs" }) },
        responses: {
          "201": {
            description: "Created.",
            headers: { Location: { description: "The new note's URL.", schema: { type: "string" } } },
            content: json(ref("schemas/Note"), exampleNote),
          },
          "400": ref("responses/BadRequest"),
          "413": ref("responses/PayloadTooLarge"),
          "415": ref("responses/UnsupportedMediaType"),
          ...authErrors,
        },
      },
    },
    "/api/v1/notes/{id}": {
      parameters: [{ name: "id", in: "path", required: true, schema: inputSchema(noteIdSchema) }],
      get: {
        operationId: "getNote",
        tags: ["notes"],
        summary: "One of the caller's notes",
        security: securityFor("notes:read"),
        responses: { "200": { description: "The note.", content: json(ref("schemas/Note"), exampleNote) }, "404": ref("responses/NotFound"), ...authErrors },
      },
      patch: {
        operationId: "updateNote",
        tags: ["notes"],
        summary: "Change a note's title and/or body",
        security: securityFor("notes:write"),
        requestBody: { required: true, content: json(ref("schemas/NoteUpdate"), { title: "Groceries for Sunday" }) },
        responses: {
          "200": { description: "The changed note.", content: json(ref("schemas/Note")) },
          "400": ref("responses/BadRequest"),
          "404": ref("responses/NotFound"),
          "413": ref("responses/PayloadTooLarge"),
          "415": ref("responses/UnsupportedMediaType"),
          ...authErrors,
        },
      },
      delete: {
        operationId: "deleteNote",
        tags: ["notes"],
        summary: "Delete a note",
        security: securityFor("notes:write"),
        responses: { "204": { description: "Deleted." }, "404": ref("responses/NotFound"), ...authErrors },
      },
    },
  },
  components: {
    schemas: {
      Me: {
        oneOf: [
          {
            type: "object",
            required: ["kind", "user"],
            properties: {
              kind: { const: "person" },
              user: {
                type: "object",
                required: ["id", "name", "email", "image"],
                properties: {
                  id: { type: "string" },
                  name: { type: ["string", "null"] },
                  email: { type: ["string", "null"], format: "email" },
                  image: { type: ["string", "null"], format: "uri" },
                },
              },
            },
          },
          {
            type: "object",
            required: ["kind", "client_id", "name", "scopes"],
            properties: {
              kind: { const: "client" },
              client_id: { type: "string" },
              name: { type: "string" },
              scopes: { type: "array", items: { type: "string" } },
            },
          },
        ],
      },
      Note: {
        type: "object",
        required: ["id", "title", "body", "createdAt", "updatedAt"],
        properties: {
          id: { type: "string" },
          title: { type: "string" },
          body: { type: "string" },
          createdAt: { type: "string", format: "date-time" },
          updatedAt: { type: "string", format: "date-time" },
        },
      },
      NotePage: {
        type: "object",
        required: ["notes", "nextCursor"],
        properties: {
          notes: { type: "array", items: ref("schemas/Note") },
          nextCursor: { type: ["string", "null"], description: "Pass as `cursor` for the next page; `null` on the last page." },
        },
      },
      NoteCreate: inputSchema(noteCreateSchema),
      // A refinement zod cannot express in JSON Schema: at least one of the two fields.
      NoteUpdate: { ...inputSchema(noteUpdateSchema), minProperties: 1 },
      Error: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: {
              code: { type: "string", description: "Stable: branch on this, not on the message.", examples: ["invalid_token", "not_found"] },
              message: { type: "string", description: "For people; may change." },
            },
          },
        },
      },
    },
    headers: {
      WWWAuthenticate: {
        description:
          "RFC 6750 §3. Without a credential, a bare challenge (`Bearer realm=\"gatehouse\"`); with a bad one, " +
          "`error=\"invalid_token\"`; without the scope, `error=\"insufficient_scope\"` and the `scope` needed.",
        schema: { type: "string" },
      },
    },
    responses: {
      BadRequest: {
        description: "`invalid_request`: the body or query is not valid; the message names the first bad field. Unknown fields are refused.",
        content: json(ref("schemas/Error"), { error: { code: "invalid_request", message: "title: Too small: expected string to have >=1 characters" } }),
      },
      Unauthorized: {
        description: "`invalid_token`: no credential, or an access token that is malformed, expired, revoked or not for this API.",
        headers: { "WWW-Authenticate": ref("headers/WWWAuthenticate") },
        content: json(ref("schemas/Error"), { error: { code: "invalid_token", message: "The access token was refused (expired)." } }),
      },
      Forbidden: {
        description:
          "`insufficient_scope`: the token lacks the scope, or is a client's own token (no person, so no notes). " +
          "A cookie-authenticated change from another origin is refused with `cross_site_request`.",
        headers: { "WWW-Authenticate": ref("headers/WWWAuthenticate") },
        content: json(ref("schemas/Error"), { error: { code: "insufficient_scope", message: "This request needs the scope notes:write." } }),
      },
      NotFound: {
        description: "`not_found`: no such note among the caller's (someone else's note answers the same).",
        content: json(ref("schemas/Error")),
      },
      PayloadTooLarge: { description: "`payload_too_large`: the body is over 16 KiB.", content: json(ref("schemas/Error")) },
      UnsupportedMediaType: { description: "`unsupported_media_type`: the body must be `application/json`.", content: json(ref("schemas/Error")) },
      InternalError: { description: "`internal_error`: something failed on the server; nothing more is said.", content: json(ref("schemas/Error")) },
    },
    securitySchemes: {
      bearerAuth: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "JWT",
        description: "An access token: a personal token from /account/tokens, or one from the OAuth 2.0 flow below.",
      },
      oauth2: {
        type: "oauth2",
        description: "Authorization code flow with PKCE (S256). Access tokens are short-lived; refresh tokens rotate.",
        flows: {
          authorizationCode: { authorizationUrl: "/oauth/authorize", tokenUrl: "/oauth/token", refreshUrl: "/oauth/token", scopes: { ...SCOPES } },
          clientCredentials: { tokenUrl: "/oauth/token", scopes: { ...SCOPES } },
        },
      },
      sessionCookie: {
        type: "apiKey",
        in: "cookie",
        name: "authjs.session-token",
        description: "The browser's session (`__Host-authjs.session-token` over HTTPS). Carries every scope. Changes need a same-origin request.",
      },
    },
  },
};
