import { brandErrorClass } from "./branded-error";

/**
 * The base of every error Gatehouse throws on purpose. `code` is stable (callers and the boundary tables
 * branch on it, never on the message), as panva/jose's errors do. Anything that is not an `AppError`
 * is unexpected: each boundary logs it and answers a generic 500.
 */
export abstract class AppError<Code extends string = string> extends Error {
  abstract readonly code: Code;
}

brandErrorClass(AppError, "AppError");
