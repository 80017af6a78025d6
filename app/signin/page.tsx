import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { Button } from "@/components/ui/button";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { signInErrorMessage } from "@/lib/sign-in-errors";
import { getCurrentSession } from "@/server/auth/current-session";
import { summariseProviders } from "@/server/auth/providers";
import { getEnv } from "@/server/env";

import { signInWithProvider } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  const error = signInErrorMessage(params.error);

  const session = await getCurrentSession();
  if (session && !error) redirect(callbackUrl);

  const providers = summariseProviders(getEnv());
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Sign in</h1>
      {error ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          {error}
        </p>
      ) : null}
      {providers.length === 0 ? (
        <p>No sign-in provider is configured. Set AUTH_GOOGLE_ID/SECRET, AUTH_GITHUB_ID/SECRET or AUTH_LOCAL_IDP=on.</p>
      ) : (
        <ul className="space-y-3">
          {providers.map((provider) => (
            <li key={provider.id}>
              <form action={signInWithProvider}>
                <input type="hidden" name="provider" value={provider.id} />
                <input type="hidden" name="callbackUrl" value={callbackUrl} />
                <Button type="submit" className="w-full">
                  Sign in with {provider.name}
                </Button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
