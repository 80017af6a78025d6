import { describe, expect, it } from "vitest";

import type { Client } from "@/generated/prisma/client";
import { cachedClientLookup } from "@/server/tokens/client-cache";
import { authenticateClient, clientsIn } from "@/server/tokens/clients";
import { hashOpaqueToken } from "@/server/tokens/opaque-token";
import { useTestDatabase } from "../support/test-database";

/* The one-second client cache (server/tokens/client-cache.ts): pure logic, and against PostgreSQL. */

function countingLookup(rows: Record<string, Client | null>) {
  const calls: string[] = [];
  const lookup = async (clientId: string) => {
    calls.push(clientId);
    return rows[clientId] ?? null;
  };
  return { lookup, calls };
}

const aClient = (id: string) => ({ id }) as Client;

describe("cachedClientLookup", () => {
  it("reads a client once per maxAge, and again after it", async () => {
    let clock = 0;
    const { lookup, calls } = countingLookup({ a: aClient("a") });
    const clients = cachedClientLookup(lookup, { maxAgeMs: 1000, now: () => clock });
    await clients("a");
    clock = 999;
    await clients("a");
    expect(calls).toEqual(["a"]);
    clock = 1000;
    await clients("a");
    expect(calls).toEqual(["a", "a"]);
  });

  it("shares one query between concurrent lookups of an id", async () => {
    const { lookup, calls } = countingLookup({ a: aClient("a") });
    const clients = cachedClientLookup(lookup);
    const rows = await Promise.all([clients("a"), clients("a"), clients("a")]);
    expect(rows.map((row) => row?.id)).toEqual(["a", "a", "a"]);
    expect(calls).toEqual(["a"]);
  });

  it("keeps no unknown id and no failed read, and at most maxEntries clients", async () => {
    const { lookup, calls } = countingLookup({ a: aClient("a"), b: aClient("b"), c: aClient("c") });
    let failNext = true;
    const clients = cachedClientLookup(async (id) => (id === "flaky" && failNext ? Promise.reject(new Error("down")) : lookup(id)), { maxEntries: 2 });
    await clients("nobody");
    await clients("nobody");
    await expect(clients("flaky")).rejects.toThrow("down");
    failNext = false;
    await clients("flaky");
    expect(calls).toEqual(["nobody", "nobody", "flaky"]);
    await clients("a");
    await clients("b");
    await clients("c"); // evicts a
    await clients("a");
    expect(calls.slice(3)).toEqual(["a", "b", "c", "a"]);
  });

  it("forgets a client at once when told", async () => {
    const { lookup, calls } = countingLookup({ a: aClient("a") });
    const clients = cachedClientLookup(lookup);
    await clients("a");
    clients.forget("a");
    await clients("a");
    expect(calls).toEqual(["a", "a"]);
  });
});

describe("a client disabled or given a new secret elsewhere", () => {
  const database = useTestDatabase("clientcache");

  it("is refused within maxAge by an instance that had it cached", async () => {
    let clock = 0;
    const clients = cachedClientLookup(clientsIn(database.sql), { maxAgeMs: 1000, now: () => clock });
    const secret = "ghs_" + "s".repeat(43);
    await database.db.client.create({
      data: { id: "cache-test", name: "Cache test", type: "confidential", secretHash: hashOpaqueToken(secret), grantTypes: ["refresh_token"], scopes: [], redirectUris: [] },
    });
    const credentials = { clientId: "cache-test", clientSecret: secret, method: "client_secret_basic" as const };
    await expect(authenticateClient(clients, credentials)).resolves.toMatchObject({ id: "cache-test" });

    // Another instance (or the CLI) disables it: this one still has its copy, for at most a second.
    await database.db.client.update({ where: { id: "cache-test" }, data: { disabledAt: new Date() } });
    clock = 999;
    await expect(authenticateClient(clients, credentials)).resolves.toMatchObject({ id: "cache-test" });
    clock = 1000;
    await expect(authenticateClient(clients, credentials)).rejects.toMatchObject({ code: "invalid_client" });

    // A new secret: the old one stops working within the same second.
    await database.db.client.update({ where: { id: "cache-test" }, data: { disabledAt: null, secretHash: hashOpaqueToken("ghs_" + "n".repeat(43)) } });
    clock = 2000;
    await expect(authenticateClient(clients, credentials)).rejects.toMatchObject({ code: "invalid_client" });
  });

  it("accepts a secret rotated elsewhere at once (a refused secret re-reads the row), and then refuses the old one", async () => {
    let clock = 0;
    const clients = cachedClientLookup(clientsIn(database.sql), { maxAgeMs: 1000, now: () => clock });
    const [oldSecret, newSecret] = ["ghs_" + "o".repeat(43), "ghs_" + "w".repeat(43)];
    await database.db.client.create({
      data: { id: "rotate-test", name: "Rotate test", type: "confidential", secretHash: hashOpaqueToken(oldSecret), grantTypes: ["client_credentials"], scopes: [], redirectUris: [] },
    });
    const as = (clientSecret: string) => authenticateClient(clients, { clientId: "rotate-test", clientSecret, method: "client_secret_post" });
    await expect(as(oldSecret)).resolves.toMatchObject({ id: "rotate-test" });
    await database.db.client.update({ where: { id: "rotate-test" }, data: { secretHash: hashOpaqueToken(newSecret) } });
    clock = 500; // the cached copy still holds the old secret
    await expect(as(newSecret)).resolves.toMatchObject({ id: "rotate-test" });
    await expect(as(oldSecret)).rejects.toMatchObject({ code: "invalid_client" });
  });
});
