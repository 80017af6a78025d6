import type pg from "pg";

import type { Sql } from "@/server/database";

import type { CachedSession } from "./session-cache";

/**
 * Where PostgreSQL announces every change to what a session lookup returns
 * (prisma/migrations/20261207030000_session_change_notifications): a session's token hash when it is
 * created, changed or deleted; `user:<id>` when its person's name, email, image, verification or role
 * changes; `*` for all of them (a TRUNCATE). Read by server/database-notified-copy.ts in a deployment
 * without Redis.
 */
export const SESSION_CHANGE_CHANNEL = "gatehouse_session";

/** How a person's change is announced, and whose session a copied lookup is. */
export const SESSION_CHANGE_GROUP = { prefix: "user:", of: (session: CachedSession | null) => session?.userId } as const;

const TRIGGERS = ["Session_notify_change", "Session_notify_truncate", "User_notify_change"];
const FUNCTIONS = ["gatehouse_session_changes_announced", "gatehouse_notify_session_change", "gatehouse_notify_user_change"];

/**
 * The copy's heartbeat, sent through the app's pool, only while the announcements are on: the switch's
 * row is there, every trigger is there and enabled, and this database fires ordinary triggers
 * (`session_replication_role`). The payload carries a fingerprint of all of it (the row versions, `xmin`,
 * of the triggers, their functions and the switch's row): anything disabled, replaced or switched off and
 * on again since the last heartbeat changes it, even within one transaction, and the copy then forgets
 * what it held. @returns whether it was sent.
 */
export function sessionChangeHeartbeat(sql: Sql) {
  return async (channel: string, payload: string): Promise<boolean> => {
    const rows = await sql.query(
      `SELECT pg_notify($1, $2 || '|' || f."fingerprint")
       FROM (SELECT concat_ws(';',
               (SELECT string_agg(t."tgname" || t."xmin"::text || t."tgenabled"::text, ',' ORDER BY t."tgname") FROM pg_trigger t
                WHERE t."tgrelid" IN (to_regclass('"Session"'), to_regclass('"User"')) AND t."tgname" = ANY($4::text[]) AND t."tgenabled" IN ('O', 'A')),
               (SELECT string_agg(p."proname" || p."xmin"::text, ',' ORDER BY p."proname") FROM pg_proc p WHERE p."proname" = ANY($5::text[])),
               (SELECT s."xmin"::text FROM "ChangeNotificationSwitch" s WHERE s."channel" = $3)) AS "fingerprint") f
       WHERE current_setting('session_replication_role') = 'origin'
         AND EXISTS (SELECT 1 FROM "ChangeNotificationSwitch" WHERE "channel" = $3)
         AND (SELECT count(*) FROM pg_trigger t
              WHERE t."tgrelid" IN (to_regclass('"Session"'), to_regclass('"User"')) AND t."tgname" = ANY($4::text[]) AND t."tgenabled" IN ('O', 'A')) = $6`,
      [channel, payload, SESSION_CHANGE_CHANNEL, TRIGGERS, FUNCTIONS, TRIGGERS.length],
    );
    return rows.length === 1;
  };
}

/**
 * Switches the announcements on, once per database (the triggers send nothing until then: NOTIFY
 * serialises commits, which a deployment with Redis should not pay for). The tables are locked while the
 * switch's row goes in, which waits for every change in progress to commit: a change whose trigger did not
 * see the row cannot commit after it, unannounced. One process at a time tries (an advisory lock), and
 * gives up after 200 ms of waiting (writes queue behind the lock meanwhile); the copy tries again later.
 */
export async function switchOnSessionChangeNotifications(client: pg.Client): Promise<void> {
  const { rowCount } = await client.query(`SELECT 1 FROM "ChangeNotificationSwitch" WHERE "channel" = $1`, [SESSION_CHANGE_CHANNEL]);
  if (rowCount) return;
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS "locked"`, [SESSION_CHANGE_CHANNEL]);
    if (!rows[0]?.locked) throw new Error("another process is switching the session announcements on");
    await client.query("SET LOCAL lock_timeout = '200ms'");
    await client.query(`LOCK TABLE "User", "Session" IN SHARE MODE`);
    await client.query(`INSERT INTO "ChangeNotificationSwitch" ("channel") VALUES ($1) ON CONFLICT DO NOTHING`, [SESSION_CHANGE_CHANNEL]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
