import Link from "next/link";

import { getCurrentSession } from "@/server/auth/current-session";

const strategies = [
  {
    title: "OAuth 2.0 and OpenID Connect, to sign in",
    body: "You prove who you are to Google, GitHub or our local identity provider; we receive a signed statement of it. We never see a password. The flow is the authorization code flow with PKCE, state and nonce.",
  },
  {
    title: "Server-side sessions, for the browser",
    body: "Once you are signed in, your browser holds only an opaque random token in an HttpOnly cookie. The session itself lives in our database, so ending it there ends it at once.",
  },
  {
    title: "Signed tokens (JWTs), for APIs",
    body: "Programs get short-lived access tokens signed with our private key, which any API can check with our public keys, plus rotating refresh tokens that are revoked as a family the moment one is replayed. Try all three side by side in the token playground.",
  },
];

export default async function HomePage() {
  const session = await getCurrentSession();
  return (
    <div className="space-y-8">
      <section aria-labelledby="intro" className="space-y-3">
        <h1 id="intro" className="text-3xl font-bold tracking-tight">
          Gatehouse
        </h1>
        <p className="text-slate-700 dark:text-slate-300">
          How a modern product should authenticate people and programs, in running code: each of the three strategies teams argue about, used where it fits best.
        </p>
        <p role="status" className="rounded-md bg-slate-100 p-3 text-sm dark:bg-slate-900">
          {session?.user ? (
            <>
              Signed in as <strong>{session.user.name ?? "a user with no name"}</strong>
              {session.user.email ? <> ({session.user.email})</> : null}.{" "}
              <Link href="/account" className="font-medium underline">
                See your account
              </Link>{" "}
              or open the{" "}
              <Link href="/playground" className="font-medium underline">
                token playground
              </Link>
            </>
          ) : (
            <>
              You are not signed in.{" "}
              <Link href="/signin" className="font-medium underline">
                Sign in
              </Link>
            </>
          )}
        </p>
      </section>
      <section aria-labelledby="strategies" className="space-y-4">
        <h2 id="strategies" className="text-xl font-semibold">
          Three strategies, each where it fits
        </h2>
        <ol className="space-y-4">
          {strategies.map((strategy) => (
            <li key={strategy.title} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
              <h3 className="font-semibold">{strategy.title}</h3>
              <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{strategy.body}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
