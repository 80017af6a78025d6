import type { Metadata } from "next";
import Link from "next/link";

import { ClientCreateForm } from "@/components/admin/client-create-form";
import { ClientRotateForm } from "@/components/admin/client-rotate-form";
import { Button } from "@/components/ui/button";
import { requireAdmin } from "@/server/auth/require-admin";
import { getServices } from "@/server/services";

import { createClientAction, revokeClientAction, rotateClientSecretAction } from "./actions";

export const metadata: Metadata = { title: "Clients" };

/** The client registry in the browser: what `npm run client:*` does, audited with the admin's id. */
export default async function AdminClientsPage() {
  await requireAdmin("/admin/clients");
  const clients = await getServices().clientRegistry.list();

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-bold tracking-tight">Clients</h1>
        <Link href="/admin" className="text-sm font-medium underline">
          Users
        </Link>
      </div>

      <section aria-labelledby="register-client" className="space-y-3">
        <h2 id="register-client" className="text-lg font-semibold">
          Register a client
        </h2>
        <ClientCreateForm action={createClientAction} />
      </section>

      <section aria-labelledby="registered-clients" className="space-y-3">
        <h2 id="registered-clients" className="text-lg font-semibold">
          Registered clients ({clients.length})
        </h2>
        <ul aria-label="Clients" className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800">
          {clients.map((client) => (
            <li key={client.id} aria-label={client.name} className="space-y-2 p-3">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <span className="font-medium">{client.name}</span>
                <code className="break-all text-xs">{client.id}</code>
              </div>
              <p className="text-slate-600 dark:text-slate-400">
                {client.disabledAt ? "Revoked" : "Active"} · {client.type} · {client.grantTypes.join(", ") || "no grants"} · scopes: {client.scopes.join(" ") || "none"}
                {client.firstParty ? " · first-party" : ""}
                {client.mayIntrospect ? " · may introspect" : ""}
              </p>
              {client.redirectUris.length > 0 ? <p className="break-all font-mono text-xs">{client.redirectUris.join(" ")}</p> : null}
              {!client.disabledAt ? (
                <div className="flex flex-wrap items-end gap-4">
                  {client.type === "confidential" ? <ClientRotateForm clientId={client.id} action={rotateClientSecretAction} /> : null}
                  <form action={revokeClientAction} aria-label={`Revoke ${client.id}`}>
                    <input type="hidden" name="clientId" value={client.id} />
                    <Button type="submit" variant="secondary">
                      Revoke
                    </Button>
                  </form>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
