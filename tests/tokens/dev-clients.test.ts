import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { authenticateClient, clientsIn } from "@/server/tokens/clients";
import { OAuthError } from "@/server/tokens/errors";
import { ensureDevResourceServer } from "../../scripts/lib/dev-clients";
import { useTestDatabase } from "../support/test-database";

describe("the development resource server", () => {
  const database = useTestDatabase("devclients");

  it("is a confidential client whose secret, kept outside the repository, authenticates it", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), "gatehouse-state-"));
    const first = await ensureDevResourceServer(database.url, directory);
    const again = await ensureDevResourceServer(database.url, directory);
    expect(again.secret).toBe(first.secret);
    expect(await database.db.client.count({ where: { id: first.clientId } })).toBe(1);
    const row = await database.db.client.findUniqueOrThrow({ where: { id: first.clientId } });
    expect(row.type).toBe("confidential");
    expect(row.secretHash).not.toContain(first.secret);
    await expect(authenticateClient(clientsIn(database.sql), { clientId: first.clientId, clientSecret: first.secret, method: "client_secret_basic" })).resolves.toMatchObject({ id: first.clientId });
    await expect(authenticateClient(clientsIn(database.sql), { clientId: first.clientId, clientSecret: "wrong", method: "client_secret_basic" })).rejects.toBeInstanceOf(OAuthError);
    await expect(authenticateClient(clientsIn(database.sql), { clientId: first.clientId, method: "none" })).rejects.toBeInstanceOf(OAuthError);
  });
});
