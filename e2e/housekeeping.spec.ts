import { e2eConfig } from "./support/config";
import { query } from "./support/database";
import { expect, test } from "./support/fixtures";

/* GET /api/cron/prune: housekeeping behind the cron secret. */

test("the prune route needs the cron secret, then removes only what can no longer be used", async ({ request, trackUser }) => {
  expect((await request.get("/api/cron/prune")).status()).toBe(401);
  expect((await request.get("/api/cron/prune", { headers: { Authorization: `Bearer ${e2eConfig.cronSecret}x` } })).status()).toBe(401);

  const [user] = await query<{ id: string }>(`INSERT INTO "User" (id, name, "updatedAt") VALUES ('prune-' || md5(random()::text), 'Prune', now()) RETURNING id`);
  trackUser(user!.id);
  await query(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt", "lastUsedAt", "updatedAt") VALUES
       ($1 || '-ended', md5(random()::text), $1, now() - interval '1 minute', now() - interval '1 hour', now()),
       ($1 || '-live', md5(random()::text), $1, now() + interval '1 day', now(), now())`,
    [user!.id],
  );
  const response = await request.get("/api/cron/prune", { headers: { Authorization: `Bearer ${e2eConfig.cronSecret}` } });
  expect(response.status()).toBe(200);
  expect((await response.json()).removed.sessions).toBeGreaterThanOrEqual(1);
  const left = await query<{ id: string }>(`SELECT id FROM "Session" WHERE "userId" = $1`, [user!.id]);
  expect(left.map((row) => row.id)).toEqual([`${user!.id}-live`]);
});
