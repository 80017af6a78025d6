import type { z } from "zod";

/**
 * The part of OpenAPI 3.1 that Gatehouse's description uses, typed so a misspelt field is a compile
 * error rather than a document tools silently misread. Schemas are JSON Schema 2020-12 (OpenAPI 3.1 §4.8.24),
 * the dialect `z.toJSONSchema` writes.
 * @see https://spec.openapis.org/oas/v3.1.0
 */
export type JsonSchema = z.core.JSONSchema.JSONSchema;
export type Reference = { $ref: string };

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths: Record<string, PathItem>;
  components?: {
    schemas?: Record<string, JsonSchema>;
    responses?: Record<string, ResponseObject>;
    parameters?: Record<string, Parameter>;
    headers?: Record<string, HeaderObject>;
    securitySchemes?: Record<string, SecurityScheme>;
  };
  tags?: { name: string; description?: string }[];
}

export type PathItem = { parameters?: (Parameter | Reference)[] } & Partial<Record<"get" | "post" | "patch" | "delete", Operation>>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: (Parameter | Reference)[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseObject | Reference>;
  /** Alternatives: any one of them satisfies the operation (OpenAPI 3.1 §4.8.30). */
  security?: Record<string, string[]>[];
}

export interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface MediaType {
  schema: JsonSchema;
  example?: unknown;
}

export interface HeaderObject {
  description?: string;
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | Reference>;
  content?: Record<string, MediaType>;
}

export type SecurityScheme =
  | { type: "http"; scheme: "bearer"; bearerFormat?: string; description?: string }
  | { type: "apiKey"; in: "cookie" | "header" | "query"; name: string; description?: string }
  | {
      type: "oauth2";
      description?: string;
      flows: {
        authorizationCode?: { authorizationUrl: string; tokenUrl: string; refreshUrl?: string; scopes: Record<string, string> };
        clientCredentials?: { tokenUrl: string; refreshUrl?: string; scopes: Record<string, string> };
      };
    };
