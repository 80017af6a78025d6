// oidc-provider configured as the project's local OpenID Connect provider: one confidential client,
// authorization code flow with PKCE, claims for openid/profile/email, our own interaction pages.
import type { JsonWebKey } from "node:crypto";
import Provider, { interactionPolicy, type Configuration } from "oidc-provider";
import type { AccountStore } from "./accounts";
import { renderErrorPage } from "./views/error-page";

export interface LocalProviderOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  jwks: { keys: JsonWebKey[] };
  cookieKeys: string[];
  accounts: AccountStore;
}

/** Where the provider sends the browser when it needs the person: our routes in ./interactions. */
export const interactionPathPrefix = "/interaction/";

/**
 * The default policy (login, then consent), with one more login check: every authorization request asks
 * who is signing in, even when the provider still has a session. A development IdP exists to choose an
 * identity; without this, signing in again (say as "Ada (work account)" to link it) would silently reuse
 * the previous person. The check passes once the login step of this very request has been submitted.
 */
function loginEveryTimePolicy(): interactionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  policy
    .get("login")
    ?.checks.add(
      new interactionPolicy.Check("login_every_time", "the local identity provider asks who you are every time", (ctx) =>
        ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );
  return policy;
}

export function createLocalProvider(options: LocalProviderOptions): Provider {
  const { accounts } = options;

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        client_name: "Gatehouse",
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        // client_secret_post is accepted too: oidc-provider treats the two secret methods as interchangeable.
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "RS256",
      },
    ],
    clientAuthMethods: ["client_secret_basic", "client_secret_post"],
    responseTypes: ["code"],
    scopes: ["openid", "profile", "email"],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ["sub"],
      profile: ["name"],
      email: ["email", "email_verified"],
    },
    // Put the scope's claims in the ID token as well as at userinfo (OIDC Core §5.4 allows both), so a client
    // sees the same identity whichever it reads. Auth.js reads the ID token for `type: "oidc"`.
    conformIdTokenClaims: false,
    // RFC 9700 §2.1.1: PKCE for every client, confidential ones included (oidc-provider only requires it for
    // public clients by default). Version 9 only knows S256, so `plain` is refused.
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const account = accounts.find(sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        claims: () => ({
          sub: account.sub,
          name: account.name,
          email: account.email,
          email_verified: account.emailVerified,
        }),
      };
    },
    jwks: options.jwks,
    enabledJWA: { idTokenSigningAlgValues: ["RS256"] },
    cookies: {
      // Cookies are not isolated by port: the app on localhost:3000 sees these, so they get our own prefix.
      names: { session: "local_idp_session", interaction: "local_idp_interaction", resume: "local_idp_resume" },
      // Lax and not Secure: works on http://localhost, and a cross-site form post cannot carry the
      // interaction cookie, which is what protects the login and cancel routes from CSRF.
      long: { httpOnly: true, sameSite: "lax" },
      short: { httpOnly: true, sameSite: "lax" },
      keys: options.cookieKeys,
    },
    features: {
      devInteractions: { enabled: false },
      // Not needed by the one client (Auth.js uses none of them); fewer endpoints, fewer surprises.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      revocation: { enabled: false },
      introspection: { enabled: false },
    },
    interactions: {
      policy: loginEveryTimePolicy(),
      url: (_ctx, interaction) => `${interactionPathPrefix}${interaction.uid}`,
    },
    // Explicit lifetimes (seconds); everything lives in memory and is gone at restart.
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 60 * 60,
      Grant: 8 * 60 * 60,
      Session: 8 * 60 * 60,
    },
    renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = renderErrorPage({
        title: "Sign-in failed",
        message: out.error_description ?? "The request could not be completed.",
        code: out.error,
      });
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.on("server_error", (_ctx, error) => {
    console.error("local-idp: server error", error);
  });
  return provider;
}
