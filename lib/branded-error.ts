/**
 * `instanceof` that survives bundling. Next.js can bundle one module twice (once for pages and server
 * actions, once for route handlers), and an error thrown by a singleton built in one copy would fail
 * `instanceof` against the other copy's class. A global symbol names the class instead.
 */
export function brandErrorClass(target: abstract new (...args: never[]) => Error, name: string) {
  const brand = Symbol.for(`gatehouse.error.${name}`);
  Object.defineProperty(target.prototype, brand, { value: true });
  Object.defineProperty(target, Symbol.hasInstance, {
    value: function (this: unknown, value: unknown) {
      // A subclass inherits this static method: for it, the ordinary prototype-chain check.
      if (this !== target) return Function.prototype[Symbol.hasInstance].call(this, value);
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
    },
  });
}
