"use server";

import { z } from "zod";

import { signIn } from "@/auth";
import { safeCallbackPath } from "@/lib/safe-redirect";
import { summariseProviders } from "@/server/auth/providers";
import { getEnv } from "@/server/env";

const signInFormSchema = z.object({
  provider: z.string().trim().max(32),
  callbackUrl: z.string().max(2048).optional(),
});

/** Starts the provider's authorization code flow; Auth.js redirects the browser to the provider. */
export async function signInWithProvider(formData: FormData) {
  const parsed = signInFormSchema.safeParse({
    provider: formData.get("provider"),
    callbackUrl: formData.get("callbackUrl") ?? undefined,
  });
  const enabled = summariseProviders(getEnv()).map((provider) => provider.id);
  if (!parsed.success || !enabled.includes(parsed.data.provider)) {
    throw new Error("Unknown sign-in provider");
  }
  await signIn(parsed.data.provider, { redirectTo: safeCallbackPath(parsed.data.callbackUrl) });
}
