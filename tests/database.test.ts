import { afterEach, describe, expect, it } from "vitest";

import { newRowId } from "@/server/database";
import { RECORD_ID_PATTERN } from "@/lib/record-id";

import { useTestDatabase } from "./support/test-database";

/*
 * Plain SQL beside Prisma (server/database.ts): the same instants both ways, whatever the process's time
 * zone. Prisma's DateTime columns hold UTC without a zone; pg alone would read and write local time.
 */
describe("plain SQL on Prisma's pool", () => {
  const database = useTestDatabase("plain_sql");
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  for (const timeZone of ["UTC", "America/New_York", "Asia/Kolkata"]) {
    it(`reads what Prisma wrote, and Prisma reads what it wrote, in ${timeZone}`, async () => {
      process.env.TZ = timeZone;
      const instant = new Date("2026-12-01T10:11:12.345Z");
      const user = await database.db.user.create({ data: { name: "zone", tokensValidAfter: instant } });
      const [read] = await database.sql.query<{ tokensValidAfter: Date }>(`SELECT "tokensValidAfter" FROM "User" WHERE "id" = $1`, [user.id]);
      expect(read!.tokensValidAfter.toISOString()).toBe(instant.toISOString());

      const later = new Date("2026-12-24T23:30:00.001Z");
      await database.sql.query(`UPDATE "User" SET "tokensValidAfter" = $1 WHERE "id" = $2`, [later, user.id]);
      const back = await database.db.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(back.tokensValidAfter!.toISOString()).toBe(later.toISOString());
    });
  }

  it("makes row ids of our shape", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRowId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(RECORD_ID_PATTERN);
  });
});
