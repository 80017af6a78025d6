"use server";

import { z } from "zod";

import { signIn } from "@/auth";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { enabledProviderId } from "@/server/auth/providers";
import { getEnv } from "@/server/env";
import { answerPageError } from "@/server/http/page-error";
import { actionForm } from "@/server/http/action-form";

const signInFormSchema = z.object({
  provider: z.string().trim().max(32),
  callbackUrl: z.string().max(2048).optional(),
});

/** Starts the provider's authorization code flow; Auth.js redirects the browser to the provider. */
export async function signInWithProvider(formData: FormData) {
  const form = actionForm(formData);
  const parsed = signInFormSchema.safeParse({
    provider: form.get("provider"),
    callbackUrl: form.get("callbackUrl") ?? undefined,
  });
  let provider: string;
  try {
    provider = enabledProviderId(getEnv(), parsed.data?.provider);
  } catch (error) {
    answerPageError(error, { returnTo: "/signin" });
  }
  await signIn(provider, { redirectTo: safeCallbackPath(parsed.data?.callbackUrl) });
}
