// The interaction routes oidc-provider sends the browser to (devInteractions is off):
//   GET  /interaction/:uid         login page, or automatic consent
//   POST /interaction/:uid/login   a typed-in identity or a seeded test user
//   POST /interaction/:uid/abort   cancel: the client receives error=access_denied (RFC 6749 §4.1.2.1)
// Every route first loads the interaction through its cookie; a cross-site post carries no such cookie
// (SameSite=Lax), so these routes need no separate CSRF token.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Interaction, Provider } from "oidc-provider";
import { deriveSubject, findSeededAccount, type AccountStore, type LocalAccount } from "./accounts";
import { LocalIdpError, sendErrorPage, sendHtml } from "./errors";
import { readFormBody } from "./form-body";
import { loginErrorsFrom, loginFormSchema, seededLoginSchema, type LoginFormValues } from "./login-form";
import { interactionPathPrefix } from "./provider";
import { renderLoginPage } from "./views/login-page";

type Route = { action: "show" | "login" | "abort"; uid: string };

// oidc-provider's interaction ids are nanoids: URL-safe characters only.
const routePattern = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|abort))?$/;

function matchRoute(method: string | undefined, pathname: string): Route {
  const match = routePattern.exec(pathname);
  const uid = match?.[1];
  if (!match || !uid) throw new LocalIdpError("not_found", "There is no page at this address.");
  const action = match[2] === "login" ? "login" : match[2] === "abort" ? "abort" : "show";
  const expected = action === "show" ? "GET" : "POST";
  if (method !== expected) {
    throw new LocalIdpError("method_not_allowed", `Use ${expected} for this address.`);
  }
  return { action, uid };
}

function redirect(res: ServerResponse, location: string): void {
  // 303 so that the browser follows a form post with a GET.
  res.writeHead(303, { Location: location, "Cache-Control": "no-store", "Content-Length": 0 });
  res.end();
}

/** Loads the interaction bound to this browser's cookie and checks it is the one in the URL. */
async function loadInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string) {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) {
    throw new LocalIdpError(
      "interaction_mismatch",
      "Another sign-in was started in this browser after this one. Use the most recent sign-in page.",
    );
  }
  return interaction;
}

function clientIdOf(interaction: Interaction): string {
  return typeof interaction.params.client_id === "string" ? interaction.params.client_id : "";
}

/**
 * Consent is automatic: the one client is first-party, so grant exactly what the consent prompt reports
 * as missing (the requested OIDC scopes and claims, and any resource scopes) without showing a screen.
 */
async function grantRequestedAccess(provider: Provider, interaction: Interaction): Promise<string> {
  const accountId = interaction.session?.accountId;
  const clientId = clientIdOf(interaction);
  if (!accountId || !clientId) {
    throw new LocalIdpError("unexpected_prompt", "Consent was requested before anyone signed in.");
  }
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = interaction.prompt.details;
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(" "));
  }
  return grant.save();
}

async function showInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string) {
  const interaction = await loadInteraction(provider, req, res, uid);
  switch (interaction.prompt.name) {
    case "login":
      sendHtml(res, 200, renderLoginPage({ uid, clientId: clientIdOf(interaction) }));
      return;
    case "consent": {
      const grantId = await grantRequestedAccess(provider, interaction);
      // Merge with the last submission: the login of this request must stay in the result.
      redirect(res, await provider.interactionResult(req, res, { consent: { grantId } }));
      return;
    }
    default:
      throw new LocalIdpError("unexpected_prompt", `The provider asked for "${interaction.prompt.name}", which this page cannot do.`);
  }
}

function formValues(form: URLSearchParams): LoginFormValues {
  return {
    name: form.get("name") ?? "",
    email: form.get("email") ?? "",
    emailVerified: form.has("email_verified"),
    sub: form.get("sub") ?? "",
  };
}

/** The account the form describes, or the errors to show with the form again. */
function accountFromForm(form: URLSearchParams): { account: LocalAccount } | { errors: ReturnType<typeof loginErrorsFrom> } {
  if (form.has("seed")) {
    const seeded = seededLoginSchema.safeParse({ seed: form.get("seed") });
    const account = seeded.success ? findSeededAccount(seeded.data.seed) : undefined;
    return account ? { account } : { errors: { fields: {}, form: "There is no such test user." } };
  }
  const parsed = loginFormSchema.safeParse({
    name: form.get("name") ?? undefined,
    email: form.get("email") ?? undefined,
    email_verified: form.get("email_verified") ?? undefined,
    sub: form.get("sub") ?? undefined,
  });
  if (!parsed.success) return { errors: loginErrorsFrom(parsed.error) };
  const { name, email, email_verified: emailVerified, sub } = parsed.data;
  return { account: { sub: sub ?? deriveSubject(email), name, email, emailVerified } };
}

async function submitLogin(
  provider: Provider,
  accounts: AccountStore,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
) {
  const interaction = await loadInteraction(provider, req, res, uid);
  if (interaction.prompt.name !== "login") {
    throw new LocalIdpError("unexpected_prompt", "This sign-in is not waiting for a login.");
  }
  const form = await readFormBody(req);
  const result = accountFromForm(form);
  if ("errors" in result) {
    sendHtml(res, 400, renderLoginPage({ uid, clientId: clientIdOf(interaction), values: formValues(form), errors: result.errors }));
    return;
  }
  accounts.save(result.account);
  // remember: false keeps the provider's session cookie to the browser session; it is asked anew every time anyway.
  const returnTo = await provider.interactionResult(
    req,
    res,
    { login: { accountId: result.account.sub, remember: false } },
    { mergeWithLastSubmission: false },
  );
  redirect(res, returnTo);
}

async function abortInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string) {
  await loadInteraction(provider, req, res, uid);
  const returnTo = await provider.interactionResult(
    req,
    res,
    { error: "access_denied", error_description: "End-User aborted interaction" },
    { mergeWithLastSubmission: false },
  );
  redirect(res, returnTo);
}

export function isInteractionPath(pathname: string): boolean {
  return pathname.startsWith(interactionPathPrefix);
}

/** A Node.js request handler for the interaction routes; it answers every error itself. */
export function createInteractionHandler(provider: Provider, accounts: AccountStore) {
  return async function handleInteraction(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    try {
      const route = matchRoute(req.method, pathname);
      switch (route.action) {
        case "show":
          return await showInteraction(provider, req, res, route.uid);
        case "login":
          return await submitLogin(provider, accounts, req, res, route.uid);
        case "abort":
          return await abortInteraction(provider, req, res, route.uid);
      }
    } catch (error) {
      sendErrorPage(res, error);
    }
  };
}
