import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Facts about the current request that code deep below a route handler needs without being passed them:
 * Auth.js calls our adapter's `createSession` with no request, yet the session must record the client.
 */
export interface RequestContext {
  userAgent: string | null;
  ip: string | null;
}

/*
 * One store for the process, on globalThis: Next.js bundles this module once for the App Router and once
 * for the Pages Router (the API's routes), and a context set in one copy must be read in the other.
 */
const STORAGE = Symbol.for("gatehouse.requestContext");
const storage: AsyncLocalStorage<RequestContext> = ((globalThis as unknown as Record<symbol, AsyncLocalStorage<RequestContext> | undefined>)[STORAGE] ??= new AsyncLocalStorage());

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
