import type { Provider } from "next-auth/providers";
import GitHub from "next-auth/providers/github";
import Google, { type GoogleProfile } from "next-auth/providers/google";

import { AppError } from "@/lib/app-error";
import type { Env } from "@/server/env-schema";
import { fetchGitHubProfile, type GitHubProfile } from "@/server/auth/github-profile";
import { believedProfile, LOCAL_PROVIDER_ID, providerVouchesForEmails, toProviderUser } from "@/server/auth/provider-profile";

/** The claims our local identity provider (idp/) puts in its ID token and userinfo. */
interface LocalProfile {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
}

/** One entry per provider shown on /signin, in this order. */
export interface ProviderSummary {
  id: string;
  name: string;
}

/*
 * Every provider below sets `allowDangerousEmailAccountLinking: true`. That is safe here, and only here,
 * because each `profile()` goes through `toProviderUser`, which drops any email the provider has not
 * verified: Auth.js links by `User.email`, and only verified addresses ever get there. A sign-in with an
 * unverified address that collides with an existing user is refused in the `signIn` callback. The local
 * provider's addresses count as unverified in production (`providerVouchesForEmails`).
 *
 * `account: () => ({})` keeps the providers' access, refresh and ID tokens out of the Account table:
 * Gatehouse does not call the providers' APIs after sign-in, and tokens it does not keep cannot leak.
 */
const keepNoProviderTokens = () => ({});

export function buildProviders(env: Env): Provider[] {
  const providers: Provider[] = [];

  if (env.google) {
    providers.push(
      Google({
        clientId: env.google.clientId,
        clientSecret: env.google.clientSecret,
        checks: ["pkce", "state", "nonce"],
        allowDangerousEmailAccountLinking: true,
        account: keepNoProviderTokens,
        profile: (profile: GoogleProfile) =>
          toProviderUser({ id: profile.sub, name: profile.name, image: profile.picture, profile }),
      }),
    );
  }

  if (env.github) {
    providers.push(
      GitHub({
        clientId: env.github.clientId,
        clientSecret: env.github.clientSecret,
        checks: ["pkce", "state"],
        allowDangerousEmailAccountLinking: true,
        account: keepNoProviderTokens,
        userinfo: {
          url: "https://api.github.com/user",
          request: ({ tokens }: { tokens: { access_token?: string } }) => fetchGitHubProfile(tokens.access_token ?? ""),
        },
        // `profile` is what our userinfo request returned: GitHub's user plus the `email_verified` we added.
        profile: (profile) => {
          const merged = profile as unknown as GitHubProfile;
          return toProviderUser({ id: String(merged.id), name: merged.name ?? merged.login, image: merged.avatar_url, profile: merged });
        },
      }),
    );
  }

  if (env.localIdp) {
    const vouchesForEmails = providerVouchesForEmails(LOCAL_PROVIDER_ID, env);
    providers.push({
      id: LOCAL_PROVIDER_ID,
      name: "Local ID",
      type: "oidc",
      issuer: env.localIdp.issuer,
      clientId: env.localIdp.clientId,
      clientSecret: env.localIdp.clientSecret,
      // The same checks as Google: PKCE (RFC 7636), state (CSRF on the callback) and nonce (ID token replay).
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: "openid email profile" } },
      allowDangerousEmailAccountLinking: true,
      account: keepNoProviderTokens,
      // In production its "email verified" counts for nothing unless AUTH_LOCAL_IDP_TRUSTED=on: the user it
      // creates then stores no email, so no real provider's sign-in is ever linked onto it, and
      // ADMIN_EMAILS never makes it an admin.
      profile: (profile: LocalProfile) =>
        toProviderUser({ id: profile.sub, name: profile.name, profile: believedProfile(profile, vouchesForEmails) }),
    });
  }

  return providers;
}

/** The enabled providers, for the sign-in page. */
export function summariseProviders(env: Env): ProviderSummary[] {
  return [
    ...(env.google ? [{ id: "google", name: "Google" }] : []),
    ...(env.github ? [{ id: "github", name: "GitHub" }] : []),
    ...(env.localIdp ? [{ id: "local", name: "Local ID" }] : []),
  ];
}

/** A sign-in form named a provider that is not enabled here (an old page, or a hand-made request). */
export class UnknownSignInProviderError extends AppError<"unknown_sign_in_provider"> {
  readonly code = "unknown_sign_in_provider";
  constructor() {
    super("Unknown sign-in provider");
    this.name = "UnknownSignInProviderError";
  }
}

/**
 * The id of an enabled provider.
 * @throws {UnknownSignInProviderError} for any other value.
 */
export function enabledProviderId(env: Env, provider: unknown): string {
  const match = summariseProviders(env).find((candidate) => candidate.id === provider);
  if (!match) throw new UnknownSignInProviderError();
  return match.id;
}
