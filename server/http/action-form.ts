/**
 * A server action's form, or an empty one when the action was called with anything else.
 *
 * An action's id is in the page's script, so anyone can call it with arguments of their own: React
 * decodes them from JSON, and `formData.get` on a string or an array throws, which Next.js answers with
 * a 500. An empty form instead fails the action's own validation, as a form with nothing filled in
 * would. (The proxy refuses arguments that are not JSON at all: lib/server-action-request.ts.)
 */
export function actionForm(argument: unknown): FormData {
  return argument instanceof FormData ? argument : new FormData();
}
