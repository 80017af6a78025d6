// Errors the interaction routes raise on purpose, and the one place that turns any error into a page.
import type { ServerResponse } from "node:http";
import { errors as oidcErrors } from "oidc-provider";
import { pageHeaders } from "./views/layout";
import { renderErrorPage } from "./views/error-page";

export type LocalIdpErrorCode =
  | "not_found"
  | "method_not_allowed"
  | "unsupported_media_type"
  | "body_too_large"
  | "interaction_mismatch"
  | "unexpected_prompt";

const statusByCode: Record<LocalIdpErrorCode, number> = {
  not_found: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  body_too_large: 413,
  interaction_mismatch: 400,
  unexpected_prompt: 400,
};

const titleByCode: Record<LocalIdpErrorCode, string> = {
  not_found: "Page not found",
  method_not_allowed: "Method not allowed",
  unsupported_media_type: "Unsupported form encoding",
  body_too_large: "Form too large",
  interaction_mismatch: "This sign-in is no longer current",
  unexpected_prompt: "Unexpected step",
};

/** An expected failure of an interaction route; `message` is safe to show to the person. */
export class LocalIdpError extends Error {
  readonly code: LocalIdpErrorCode;
  readonly status: number;

  constructor(code: LocalIdpErrorCode, message: string) {
    super(message);
    this.name = "LocalIdpError";
    this.code = code;
    this.status = statusByCode[code];
  }
}

export function sendHtml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...pageHeaders, ...headers, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Answers an error raised while serving an interaction route. Expected errors get their own message; an
 * unexpected one is logged and answered with a generic 500 (no stack, no internals).
 */
export function sendErrorPage(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof LocalIdpError) {
    // After an oversized body the rest of the request is unread: close the connection instead of reading it.
    const headers: Record<string, string> = error.code === "body_too_large" ? { Connection: "close" } : {};
    sendHtml(res, error.status, renderErrorPage({ title: titleByCode[error.code], message: error.message }), headers);
    return;
  }
  if (error instanceof oidcErrors.SessionNotFound) {
    // The interaction cookie is missing or expired, or the sign-in was already completed or cancelled.
    sendHtml(
      res,
      400,
      renderErrorPage({
        title: "This sign-in has expired",
        message: "The sign-in was already completed, cancelled or timed out, or cookies are blocked for this site.",
        code: error.error,
      }),
    );
    return;
  }
  if (error instanceof oidcErrors.OIDCProviderError && error.expose) {
    sendHtml(
      res,
      error.statusCode,
      renderErrorPage({ title: "Sign-in failed", message: error.error_description ?? error.error, code: error.error }),
    );
    return;
  }
  console.error("local-idp: unexpected error in an interaction route", error);
  sendHtml(
    res,
    500,
    renderErrorPage({ title: "Something went wrong", message: "The identity provider could not complete the request." }),
  );
}
