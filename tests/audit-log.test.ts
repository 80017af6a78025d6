import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";

import { PrismaClient } from "@/generated/prisma/client";
import { createAuditLog } from "@/server/audit/audit-log";
import { roleForEmail, syncRole } from "@/server/roles/sync-role";
import { useTestDatabase } from "./support/test-database";

describe("audit log", () => {
  const database = useTestDatabase("audit");

  it("records events without making the caller wait, and lists them newest first, filtered", async () => {
    const pending: Promise<void>[] = [];
    const audit = createAuditLog({ db: database.db, schedule: (task) => void pending.push(task()) });
    audit.record({ event: "sign_in", actorId: "alice", subjectId: "alice", ip: "203.0.113.7", userAgent: "UA" });
    audit.record({ event: "session_revoked", actorId: "admin", subjectId: "alice", details: { sessionIds: ["s1"] } });
    audit.record({ event: "sign_in", actorId: "bob", subjectId: "bob" });
    expect(pending).toHaveLength(3); // handed over, not awaited by `record`
    await Promise.all(pending);

    const forAlice = await audit.list({ userId: "alice", page: 1, pageSize: 10 });
    expect(forAlice.total).toBe(2);
    expect(forAlice.events.map((event) => event.event).sort()).toEqual(["session_revoked", "sign_in"]);
    const revocations = await audit.list({ event: "session_revoked", page: 1, pageSize: 10 });
    expect(revocations.events).toHaveLength(1);
    expect(revocations.events[0]).toMatchObject({ actorId: "admin", subjectId: "alice", details: { sessionIds: ["s1"] } });
    const secondPage = await audit.list({ page: 2, pageSize: 2 });
    expect(secondPage).toMatchObject({ total: 3, events: [expect.anything()] });
  });

  it("never throws when the database is down: the failure is reported, the request goes on", async () => {
    const down = new PrismaClient({ adapter: new PrismaPg({ connectionString: "postgresql://postgres@127.0.0.1:9/none", connectionTimeoutMillis: 500 }) });
    const errors: unknown[] = [];
    const pending: Promise<void>[] = [];
    const audit = createAuditLog({ db: down, schedule: (task) => void pending.push(task()), onError: (error) => errors.push(error) });
    expect(() => audit.record({ event: "sign_out", actorId: "alice" })).not.toThrow();
    await Promise.all(pending);
    expect(errors).toHaveLength(1);
    await down.$disconnect();
  });

  it("makes admins from ADMIN_EMAILS, and takes the role back when the address leaves the list", async () => {
    expect(roleForEmail("Boss@Example.com", ["boss@example.com"])).toBe("admin");
    expect(roleForEmail(null, ["boss@example.com"])).toBe("user");
    const user = await database.db.user.create({ data: { email: "boss@example.com" } });
    expect(await syncRole(database.db, user.id, ["boss@example.com"])).toEqual({ from: "user", to: "admin" });
    expect(await syncRole(database.db, user.id, ["boss@example.com"])).toBeNull();
    expect(await syncRole(database.db, user.id, [])).toEqual({ from: "admin", to: "user" });
  });
});
