// The page shell shared by the login and error pages: inline CSS, no external assets, strict CSP.
import { createHash } from "node:crypto";
import { html, SafeHtml } from "./html";

const styles = `
:root{color-scheme:light dark;--fg:#1a1a1a;--muted:#555;--bg:#f6f6f4;--card:#fff;--line:#d0d0cc;--accent:#1d4ed8;--danger:#b91c1c}
@media (prefers-color-scheme:dark){:root{--fg:#ececec;--muted:#b0b0b0;--bg:#111;--card:#1c1c1c;--line:#3a3a3a;--accent:#8ab4ff;--danger:#ff8a8a}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:30rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.1rem;margin:2rem 0 .5rem}
p{margin:.25rem 0 1rem}
.muted{color:var(--muted);font-size:.9rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.check{display:flex;gap:.5rem;align-items:center}
.check label{display:inline;margin:0}
input[type=text],input[type=email]{width:100%;font:inherit;padding:.6rem;border:1px solid var(--line);border-radius:.375rem;background:transparent;color:inherit}
input[type=checkbox]{width:1.25rem;height:1.25rem;margin:0}
input:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
[aria-invalid=true]{border-color:var(--danger)}
.error{color:var(--danger);font-size:.9rem;margin:.25rem 0 0}
.alert{border:1px solid var(--danger);color:var(--danger);border-radius:.375rem;padding:.75rem;margin:0 0 1rem}
button{font:inherit;min-height:2.75rem;padding:.5rem 1rem;border-radius:.375rem;border:1px solid var(--accent);cursor:pointer}
.primary{background:var(--accent);color:var(--card);width:100%;font-weight:600}
.secondary{background:transparent;color:var(--accent);width:100%}
ul{list-style:none;padding:0;margin:0}
li{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:center;justify-content:space-between;padding:.5rem 0;border-top:1px solid var(--line)}
li:first-child{border-top:0}
code{font-size:.85rem}
`;

// Inserted verbatim (a constant of this module, not user input) so that its hash matches the CSP.
const stylesheet = new SafeHtml(styles);
const styleHash = createHash("sha256").update(styles).digest("base64");

/**
 * Headers for every HTML page. The CSP allows exactly the one inline stylesheet above and no script.
 * No `form-action`: Chromium applies it to the redirects after a form post, and the sign-in ends with a
 * redirect to the app's origin.
 */
export const pageHeaders: Readonly<Record<string, string>> = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; frame-ancestors 'none'`,
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
};

export function renderPage(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Local ID</title>
<style>${stylesheet}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
}
