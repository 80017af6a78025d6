import pg from "pg";

import { hashSessionToken } from "../../server/sessions/session-token";

import { e2eConfig } from "./config";

/** Direct reads of the app's database, to check what the browser flows left there. */
export async function query<Row extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: e2eConfig.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function usersWithEmail(email: string) {
  return query<{ id: string; name: string | null; email: string | null }>(`SELECT id, name, email FROM "User" WHERE email = $1`, [email]);
}

/** The Session row a cookie's token names (the table holds only the token's SHA-256). */
export async function sessionByToken(sessionToken: string) {
  const rows = await query<{ id: string; userId: string; expiresAt: Date; browser: string | null; os: string | null; deviceType: string | null; ip: string | null }>(
    `SELECT id, "userId", "expiresAt", browser, os, "deviceType", ip FROM "Session" WHERE "tokenHash" = $1`,
    [hashSessionToken(sessionToken)],
  );
  return rows[0] ?? null;
}

/** Every column of every Session row of a user, as text: to show that no token is stored. */
export async function sessionRowsAsText(userId: string) {
  const rows = await query<{ row: string }>(`SELECT row_to_json(s)::text AS row FROM "Session" s WHERE "userId" = $1`, [userId]);
  return rows.map((entry) => entry.row);
}

/** Removes the users a test created (accounts and sessions go with them: ON DELETE CASCADE). */
export async function deleteUsers(userIds: string[]) {
  if (userIds.length > 0) await query(`DELETE FROM "User" WHERE id = ANY($1)`, [userIds]);
}
