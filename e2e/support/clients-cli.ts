import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { e2eConfig } from "./config";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const execFileAsync = promisify(execFile);

/**
 * `npm run client:<command>` against the end-to-end stack's database and Redis, as an operator runs it
 * (the real script, in its own process): its stdout's one line of JSON.
 */
export async function clientsCli<Answer = Record<string, unknown>>(command: "create" | "rotate-secret" | "revoke", args: string[]): Promise<Answer> {
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test" as const, DATABASE_URL: e2eConfig.databaseUrl, REDIS_URL: e2eConfig.redisUrl };
  const { stdout } = await execFileAsync(path.join(repoRoot, "node_modules", ".bin", "tsx"), [path.join(repoRoot, "scripts", "clients.ts"), command, ...args], {
    cwd: repoRoot,
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Answer;
}
