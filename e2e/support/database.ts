import pg from "pg";

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

export async function sessionByToken(sessionToken: string) {
  const rows = await query<{ id: string; userId: string; expires: Date }>(
    `SELECT id, "userId", expires FROM "Session" WHERE "sessionToken" = $1`,
    [sessionToken],
  );
  return rows[0] ?? null;
}

/** Removes the users a test created (accounts and sessions go with them: ON DELETE CASCADE). */
export async function deleteUsers(userIds: string[]) {
  if (userIds.length > 0) await query(`DELETE FROM "User" WHERE id = ANY($1)`, [userIds]);
}
