"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import type { ClientCreateState, ClientRotateState } from "@/lib/client-admin-state";
import { CLIENT_ID_PATTERN } from "@/lib/client-id";
import { clientRotationSchema } from "@/lib/client-rotation-schema";
import { requireAdmin } from "@/server/auth/require-admin";
import { newClientSchema } from "@/server/clients/client-input";
import { getServices } from "@/server/services";
import { actionForm } from "@/server/http/action-form";

const PAGE = "/admin/clients";

const clientIdSchema = z.string().regex(CLIENT_ID_PATTERN);

const strings = (values: FormDataEntryValue[]) => values.filter((value): value is string => typeof value === "string");

/** "Register": the secret goes back in the action's answer only, to be shown once. */
export async function createClientAction(_previous: ClientCreateState, formData: FormData): Promise<ClientCreateState> {
  const form = actionForm(formData);
  const admin = await requireAdmin(PAGE);
  const redirectUris = String(form.get("redirectUris") ?? "")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const parsed = newClientSchema.safeParse({
    name: form.get("name"),
    type: form.get("type"),
    grantTypes: strings(form.getAll("grantType")),
    scopes: strings(form.getAll("scope")),
    redirectUris,
    firstParty: form.get("firstParty") === "on",
    mayIntrospect: form.get("mayIntrospect") === "on",
  });
  if (!parsed.success) {
    const { fieldErrors } = z.flattenError(parsed.error);
    return { status: "error", message: "The client was not registered: check the fields below.", fieldErrors };
  }
  const { client, clientSecret } = await getServices().clientRegistry.create(parsed.data, admin.userId);
  revalidatePath(PAGE);
  return { status: "created", clientId: client.id, name: client.name, clientSecret: clientSecret ?? null };
}

/** "Rotate secret": the new secret is shown once; the old one works for the chosen overlap. */
export async function rotateClientSecretAction(_previous: ClientRotateState, formData: FormData): Promise<ClientRotateState> {
  const form = actionForm(formData);
  const admin = await requireAdmin(PAGE);
  const parsed = clientRotationSchema.safeParse({ clientId: form.get("clientId"), overlapSeconds: form.get("overlapSeconds") });
  if (!parsed.success) return { status: "error", message: "Choose one of the overlaps offered." };
  const rotated = await getServices().clientRegistry.rotateSecret(parsed.data.clientId, parsed.data.overlapSeconds, admin.userId);
  if (!rotated) return { status: "error", message: "Only an active confidential client has a secret to rotate." };
  revalidatePath(PAGE);
  return { status: "rotated", clientId: parsed.data.clientId, clientSecret: rotated.clientSecret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
}

/** "Revoke": the client authenticates no more and Gatehouse refuses every token issued to it. */
export async function revokeClientAction(formData: FormData) {
  const form = actionForm(formData);
  const admin = await requireAdmin(PAGE);
  const parsed = clientIdSchema.safeParse(form.get("clientId"));
  if (!parsed.success) return;
  await getServices().clientRegistry.revoke(parsed.data, admin.userId);
  revalidatePath(PAGE);
}
