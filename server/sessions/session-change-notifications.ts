import type pg from "pg";

import type { Sql } from "@/server/database";

/**
 * Where PostgreSQL announces, by token hash, every change to what a session lookup returns: a session
 * created, changed or deleted (or all of them truncated: "*"), or its person's name, email, image,
 * verification or role changed (prisma/migrations/20261207030000_session_change_notifications). Read by
 * server/database-notified-copy.ts in a deployment without Redis.
 */
export const SESSION_CHANGE_CHANNEL = "gatehouse_session";

/** The triggers that announce (the migration's), each of which must be there and enabled. */
const TRIGGERS = `(SELECT count(*) FROM pg_trigger t
   WHERE t."tgrelid" IN ('"Session"'::regclass, '"User"'::regclass)
     AND t."tgname" IN ('Session_notify_change', 'Session_notify_truncate', 'User_notify_change')
     AND t."tgenabled" IN ('O', 'A')) = 3`;

/**
 * The copy's heartbeat, sent through the app's pool, and only while the announcements are switched on
 * and every trigger is there and enabled: a copy must not be trusted on a database that would not tell it
 * of a change (code deployed before its migration, a trigger disabled by hand, the switch's row deleted).
 */
export function sessionChangeHeartbeat(sql: Sql) {
  return (channel: string, payload: string) =>
    sql.query(`SELECT pg_notify($1, $2) WHERE EXISTS (SELECT 1 FROM "ChangeNotificationSwitch" WHERE "channel" = $3) AND ${TRIGGERS}`, [channel, payload, SESSION_CHANGE_CHANNEL]);
}

/**
 * Switches the announcements on, once per database (the triggers send nothing until then: NOTIFY
 * serialises commits, which a deployment with Redis should not pay for). The tables are locked while the
 * switch's row goes in, which waits for every change in progress to commit: a change whose trigger did not
 * see the row cannot commit after it, unannounced. Given up after 2 s (writes queue behind the lock),
 * and tried again with the next connection.
 */
export async function switchOnSessionChangeNotifications(client: pg.Client): Promise<void> {
  const { rowCount } = await client.query(`SELECT 1 FROM "ChangeNotificationSwitch" WHERE "channel" = $1`, [SESSION_CHANGE_CHANNEL]);
  if (rowCount) return;
  await client.query("BEGIN");
  try {
    await client.query("SET LOCAL lock_timeout = '2s'");
    await client.query(`LOCK TABLE "User", "Session" IN SHARE MODE`);
    await client.query(`INSERT INTO "ChangeNotificationSwitch" ("channel") VALUES ($1) ON CONFLICT DO NOTHING`, [SESSION_CHANGE_CHANNEL]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
