import type { NextAuthConfig } from "next-auth";

import type { PrismaClient } from "@/generated/prisma/client";
import { sameOriginUrl } from "@/lib/safe-redirect";
import { sessionCookieName } from "@/lib/session-cookie";
import { checkAccountLinking } from "@/server/auth/account-linking";
import { buildProviders } from "@/server/auth/providers";
import { createAuthAdapter } from "@/server/sessions/auth-adapter";
import type { SessionService } from "@/server/sessions/session-service";
import { generateSessionToken } from "@/server/sessions/session-token";
import { providerVouchesForEmails, type ProviderProfile } from "@/server/auth/provider-profile";
import type { AuditEntry } from "@/server/audit/audit-log";
import type { RateLimiter } from "@/server/rate-limit/rate-limiter";
import type { Env } from "@/server/env-schema";
import { syncRole } from "@/server/roles/sync-role";

/**
 * The Auth.js configuration: providers, database sessions, our pages, and the two security callbacks.
 * Built from the validated environment and the db client, so nothing here reads `process.env`.
 */
/** Auth.js errors that mean "this sign-in attempt failed" (as opposed to a server fault). */
const SIGN_IN_FAILURES = new Set(["AccessDenied", "OAuthAccountNotLinked", "OAuthCallbackError", "CallbackRouteError", "InvalidCheck", "OAuthProfileParseError"]);

export interface AuthDependencies {
  env: Env;
  db: PrismaClient;
  sessions: SessionService;
  audit?: (entry: AuditEntry) => void;
  /** Sign-in attempts per provider account; none in tests that do not need it. */
  accountLimiter?: RateLimiter;
  /** The app is reached over HTTPS (lib/session-cookie.ts `isHttpsRequest`): Secure, prefixed cookies. */
  https?: boolean;
}

export const TOO_MANY_ATTEMPTS_REDIRECT = "/signin?error=TooManyAttempts";

export function createAuthConfig({ env, db, sessions, audit = () => {}, accountLimiter, https = env.authUrl?.startsWith("https:") ?? false }: AuthDependencies): NextAuthConfig {
  return {
    adapter: createAuthAdapter(db, sessions, audit),
    providers: buildProviders(env),
    secret: env.authSecret,
    trustHost: env.trustHost,
    // Decided by us, not left to Auth.js, so it and our own cookie readers always agree on the names.
    useSecureCookies: https,
    // Under HTTPS the session cookie is __Host- (Secure, Path=/, no Domain), which no sibling subdomain can
    // plant; Auth.js's default __Secure- could be (lib/session-cookie.ts).
    cookies: { sessionToken: { name: sessionCookieName(https), options: { httpOnly: true, sameSite: "lax", path: "/", secure: https } } },
    // The cookie carries only an opaque random token (256 bits); the Session row, keyed by its hash, is
    // the truth, so deleting it ends the session at once. HttpOnly, SameSite=Lax, and under HTTPS Secure
    // with the __Host- prefix (above). Lifetimes are enforced by server/sessions.
    session: {
      strategy: "database",
      maxAge: Math.floor(env.sessionLifetimes.absoluteLifetimeMs / 1000),
      updateAge: Math.floor(env.sessionLifetimes.touchIntervalMs / 1000),
      generateSessionToken,
    },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      async signIn({ account, profile }) {
        if (!account || !profile || (account.type !== "oidc" && account.type !== "oauth")) return true;
        // Per account, on top of the proxy's per-IP limit: many IPs hammering one identity are stopped too.
        // This step is a browser redirect, so the answer is a page that explains, not a bare 429.
        const limit = await accountLimiter?.consume(`${account.provider}:${account.providerAccountId}`);
        if (limit && !limit.allowed) {
          audit({ event: "sign_in_failed", details: { provider: account.provider, providerAccountId: account.providerAccountId, reason: "rate_limited" } });
          return TOO_MANY_ATTEMPTS_REDIRECT;
        }
        const vouchesForEmails = providerVouchesForEmails(account.provider, env);
        const decision = await checkAccountLinking(db, account, profile as ProviderProfile, { vouchesForEmails });
        if (decision === true) return true;
        audit({
          event: "sign_in_failed",
          details: { provider: account.provider, providerAccountId: account.providerAccountId, reason: decision.reason },
        });
        return decision.redirect;
      },
      // Open-redirect defence for every `callbackUrl` / `redirectTo` that Auth.js honours.
      redirect: ({ url, baseUrl }) => sameOriginUrl(url, baseUrl),
    },
    events: {
      async signIn({ user, account }) {
        if (!user.id) return;
        audit({ event: "sign_in", actorId: user.id, subjectId: user.id, details: { provider: account?.provider ?? null } });
        // Admin rights come only from an address a real provider verified: a sign-in through a provider
        // that vouches for nobody (the local IdP in production) neither grants nor changes a role.
        if (account && !providerVouchesForEmails(account.provider, env)) return;
        const change = await syncRole(db, user.id, env.adminEmails);
        if (change) {
          // Other sessions of this person must not keep serving the old role from the cache.
          await sessions.forgetCachedUser(user.id);
          audit({ event: "role_changed", subjectId: user.id, details: { from: change.from, to: change.to, by: "ADMIN_EMAILS" } });
        }
      },
    },
    logger: {
      error(error) {
        const type = (error as { type?: string }).type ?? error.name;
        console.error(`[auth][error] ${type}: ${error.message}`);
        if (SIGN_IN_FAILURES.has(type)) audit({ event: "sign_in_failed", details: { reason: type } });
      },
    },
  };
}
