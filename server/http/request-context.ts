import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Facts about the current request that code deep below a route handler needs without being passed them:
 * Auth.js calls our adapter's `createSession` with no request, yet the session must record the client.
 */
export interface RequestContext {
  userAgent: string | null;
  ip: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
