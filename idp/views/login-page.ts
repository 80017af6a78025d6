// GET /interaction/:uid when the provider needs to know who is signing in.
import { seededAccounts } from "../accounts";
import { loginFieldLimits, type LoginFormErrors, type LoginFormValues } from "../login-form";
import { html, type SafeHtml } from "./html";
import { renderPage } from "./layout";

export interface LoginPageProps {
  uid: string;
  /** The client asking, shown so a person knows which app they are signing in to. */
  clientId: string;
  values?: LoginFormValues;
  errors?: LoginFormErrors;
}

const emptyValues: LoginFormValues = { name: "", email: "", emailVerified: true, sub: "" };

function fieldError(id: string, message: string | undefined): SafeHtml {
  return html`${message ? html`<p class="error" id="${id}-error">${message}</p>` : ""}`;
}

function describedBy(...ids: Array<string | false | undefined>): string {
  return ids.filter(Boolean).join(" ");
}

export function renderLoginPage({ uid, clientId, values = emptyValues, errors }: LoginPageProps): string {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const fields = errors?.fields ?? {};
  const summary = errors?.form ?? (Object.keys(fields).length > 0 ? "Please correct the fields marked below." : undefined);

  const body = html`
<h1>Sign in</h1>
<p class="muted">to <code>${clientId}</code> with Local ID, a development identity provider: you choose who you are,
nothing is checked.</p>
${summary ? html`<div class="alert" role="alert">${summary}</div>` : ""}
<form class="card" method="post" action="${action}/login" novalidate>
  <div class="field">
    <label for="name">Name</label>
    <input type="text" id="name" name="name" autocomplete="name" required maxlength="${loginFieldLimits.name}"
      value="${values.name}" aria-invalid="${Boolean(fields.name)}"${fields.name ? html` aria-describedby="name-error"` : ""}>
    ${fieldError("name", fields.name)}
  </div>
  <div class="field">
    <label for="email">Email</label>
    <input type="email" id="email" name="email" autocomplete="email" inputmode="email" required
      maxlength="${loginFieldLimits.email}" value="${values.email}" aria-invalid="${Boolean(fields.email)}"${
        fields.email ? html` aria-describedby="email-error"` : ""
      }>
    ${fieldError("email", fields.email)}
  </div>
  <div class="field">
    <div class="check">
      <input type="checkbox" id="email_verified" name="email_verified"${values.emailVerified ? html` checked` : ""}>
      <label for="email_verified">Email address is verified</label>
    </div>
    ${fieldError("email_verified", fields.email_verified)}
  </div>
  <div class="field">
    <label for="sub">Subject (account id)</label>
    <input type="text" id="sub" name="sub" autocomplete="off" spellcheck="false" maxlength="${loginFieldLimits.sub}"
      value="${values.sub}" aria-invalid="${Boolean(fields.sub)}" aria-describedby="${describedBy(
        "sub-hint",
        fields.sub && "sub-error",
      )}">
    <p class="muted" id="sub-hint">Optional. Leave empty to derive a stable one from the email address.</p>
    ${fieldError("sub", fields.sub)}
  </div>
  <button class="primary" type="submit">Sign in</button>
</form>

<h2 id="test-users">Test users</h2>
<form class="card" method="post" action="${action}/login" aria-labelledby="test-users">
  <ul>
    ${seededAccounts.map(
      (account) => html`
    <li>
      <button class="secondary" type="submit" name="seed" value="${account.sub}">Sign in as ${account.name}</button>
      <span class="muted">${account.email} · ${account.emailVerified ? "verified" : "not verified"} · subject <code>${account.sub}</code></span>
    </li>`,
    )}
  </ul>
</form>

<form method="post" action="${action}/abort">
  <h2>Changed your mind?</h2>
  <button class="secondary" type="submit">Cancel</button>
</form>
`;
  return renderPage("Sign in", body);
}
