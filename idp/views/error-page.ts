// The page for anything that goes wrong in the browser: what happened and what to do, never a stack trace.
import { html } from "./html";
import { renderPage } from "./layout";

export interface ErrorPageProps {
  title: string;
  message: string;
  /** An OAuth error code (RFC 6749 §4.1.2.1), shown for whoever debugs the client. */
  code?: string;
}

export function renderErrorPage({ title, message, code }: ErrorPageProps): string {
  return renderPage(
    title,
    html`
<h1>${title}</h1>
<div class="alert" role="alert">${message}</div>
${code ? html`<p class="muted">Error code: <code>${code}</code></p>` : ""}
<p>Go back to the app and start signing in again.</p>
`,
  );
}
