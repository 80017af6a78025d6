// The command behind `npm run client:*`: the client registry, on the database the app uses.
//
//   client:create -- --name NAME [--type confidential|public] --grant TYPE [--grant TYPE ...]
//                    [--scope "notes:read notes:write"] [--redirect-uri URI ...] [--first-party] [--introspect]
//       prints one line of JSON: {"client_id": ..., "client_secret": ...} (no secret for a public client)
//   client:list [-- --json]                       a table of every client, or JSON
//   client:rotate-secret -- CLIENT_ID [--overlap DURATION]
//       a new secret; the old one keeps working for DURATION (default 1h; 0 stops it now, as after a
//       leak; 90s, 15m, 24h, 7d or plain seconds): {"client_id", "client_secret", "previous_secret_expires_at"}
//   client:revoke -- CLIENT_ID                    it authenticates no more, and every token issued to it dies
//
// stdout carries the answer and nothing else (logs go to stderr), so `$(npm run -s client:create ...)`
// is the JSON. Bad arguments: one line on stderr and exit code 2; anything else that fails: exit code 1.
// The database: DATABASE_URL (and REDIS_URL for the denylist) the way the app reads them, or in
// development the embedded PostgreSQL (scripts/lib/script-database.ts).
import { parseArgs } from "node:util";

import { Redis } from "ioredis";
import { z } from "zod";

import { createAuditLog, type AuditEntry } from "../server/audit/audit-log";
import { CLIENT_GRANT_TYPES } from "../lib/grant-types";
import { rotationOverlapSchema, type NewClientInput } from "../server/clients/client-input";
import { createClientRegistry, type RegisteredClient } from "../server/clients/client-registry";
import { createDatabase } from "../server/database";
import { EnvError } from "../server/env-schema";
import { revokeAllForClient } from "../server/tokens/family-revocation";
import { maxTokenLifetimeMs } from "../server/tokens/key-schedule";
import { createRevocationList } from "../server/tokens/revocation-list";
import { DEFAULT_TOKEN_TIMINGS } from "../server/tokens/token-config";
import { openScriptDatabase } from "./lib/script-database";

// The answer is written with the real stdout; everything else that writes there (a library's log) goes to stderr.
const writeAnswer = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
console.log = console.error;
console.info = console.error;

const USAGE: Record<string, string> = {
  create: `npm run client:create -- --name NAME [--type confidential|public] --grant TYPE [--grant TYPE ...] [--scope "SCOPES"] [--redirect-uri URI ...] [--first-party] [--introspect]  (grant types: ${CLIENT_GRANT_TYPES.join(", ")})`,
  list: "npm run client:list [-- --json]",
  "rotate-secret": "npm run client:rotate-secret -- CLIENT_ID [--overlap DURATION]",
  revoke: "npm run client:revoke -- CLIENT_ID",
};

class UsageError extends Error {}

const DEFAULT_OVERLAP_SECONDS = 60 * 60;

/** --overlap: 90s, 15m, 24h, 7d, or plain seconds; at most what the registry allows. */
function overlapSeconds(value: string | undefined): number {
  if (value === undefined) return DEFAULT_OVERLAP_SECONDS;
  const match = /^(\d{1,9})([smhd]?)$/.exec(value);
  if (!match) throw new UsageError(`--overlap must be a duration such as 0, 90s, 15m, 24h or 7d, not "${value.slice(0, 40)}"`);
  const seconds = Number(match[1]) * { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "" | "s" | "m" | "h" | "d"];
  const checked = rotationOverlapSchema.safeParse(seconds);
  if (!checked.success) throw new UsageError(`--overlap ${checked.error.issues[0]!.message}`);
  return seconds;
}

function parse(command: string, argv: string[]) {
  const options = {
    name: { type: "string" },
    type: { type: "string" },
    grant: { type: "string", multiple: true },
    scope: { type: "string", multiple: true },
    "redirect-uri": { type: "string", multiple: true },
    "first-party": { type: "boolean" },
    introspect: { type: "boolean" },
    json: { type: "boolean" },
    overlap: { type: "string" },
  } as const;
  const allowed: Record<string, Array<keyof typeof options>> = {
    create: ["name", "type", "grant", "scope", "redirect-uri", "first-party", "introspect"],
    list: ["json"],
    "rotate-secret": ["overlap"],
    revoke: [],
  };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const misplaced = Object.keys(parsed.values).find((option) => !allowed[command]!.includes(option as keyof typeof options));
  if (misplaced) throw new UsageError(`--${misplaced} is not an option of client:${command}`);
  const wantsId = command === "rotate-secret" || command === "revoke";
  if (wantsId && parsed.positionals.length !== 1) throw new UsageError(`client:${command} takes one CLIENT_ID`);
  if (!wantsId && parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  return { values: parsed.values, clientId: parsed.positionals[0] };
}

/** The registry's refusal as one line: the first problem, named by its flag. */
function usageLine(error: z.ZodError): string {
  const flags: Record<string, string> = { name: "--name", type: "--type", grantTypes: "--grant", scopes: "--scope", redirectUris: "--redirect-uri", mayIntrospect: "--introspect" };
  const issue = error.issues[0]!;
  const flag = flags[String(issue.path[0])] ?? String(issue.path[0] ?? "");
  return `${flag} ${issue.message}`.trim();
}

/**
 * REDIS_URL's Redis, connected (the revocation list writes only to a ready client), or null when it is
 * unset or unreachable: the revocation is then in PostgreSQL alone, and the app's processes, which trust
 * their Redis copy, still refuse a revoked client's tokens by its row.
 */
async function connectRedis(url: string | undefined): Promise<Redis | null> {
  if (!url) return null;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: () => null });
  redis.on("error", () => {}); // reported below, once
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    console.error(`Redis at REDIS_URL is unreachable (${error instanceof Error ? error.message : String(error)}); writing to PostgreSQL only`);
    redis.disconnect();
    return null;
  }
}

/** An error as one line: Prisma's messages start with a blank line and end with the reason. */
function reasonOf(error: unknown): string {
  if (error instanceof z.ZodError) return usageLine(error);
  if (error instanceof EnvError) return error.problems.join("; ");
  const lines = (error instanceof Error ? error.message : String(error)).split("\n").map((line) => line.trim()).filter(Boolean);
  const prisma = error instanceof Error && error.name.startsWith("PrismaClient");
  return (prisma ? lines.at(-1) : lines[0]) ?? "failed";
}

function table(clients: RegisteredClient[]): string {
  const rows = clients.map((client) => [
    client.id,
    client.name,
    client.type,
    client.disabledAt ? "revoked" : "active",
    client.grantTypes.join(",") || "-",
    client.scopes.join(" ") || "-",
    [client.firstParty && "first-party", client.mayIntrospect && "introspect"].filter(Boolean).join(",") || "-",
  ]);
  const header = ["CLIENT_ID", "NAME", "TYPE", "STATUS", "GRANTS", "SCOPES", "FLAGS"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n") + "\n";
}

async function main(command: string | undefined, argv: string[]): Promise<number> {
  if (!command || !Object.hasOwn(USAGE, command)) throw new UsageError(`unknown command; use one of ${Object.keys(USAGE).map((name) => `client:${name}`).join(", ")}`);
  if (argv.includes("--help") || argv.includes("-h")) {
    writeAnswer(`usage: ${USAGE[command]}\n`);
    return 0;
  }
  const { values, clientId } = parse(command, argv);
  // Checked before any database is opened.
  const overlap = command === "rotate-secret" ? overlapSeconds(values.overlap) : 0;

  const target = await openScriptDatabase();
  const database = createDatabase(target.url, { connectionTimeoutMillis: 5_000 });
  const { db } = database;
  const redis = await connectRedis(process.env.REDIS_URL);
  // Audit writes are awaited before the command exits.
  const pending: Array<Promise<void>> = [];
  const audit = createAuditLog({ db, schedule: (task) => void pending.push(task()) });
  try {
    const revocations = createRevocationList({
      db,
      sql: database.sql,
      redis,
      maxTokenLifetimeMs: maxTokenLifetimeMs(Number(process.env.ACCESS_TOKEN_TTL_SECONDS) || DEFAULT_TOKEN_TIMINGS.accessTokenTtlSeconds),
      onError: (operation, error) => console.error(`Redis ${operation} failed (${error instanceof Error ? error.message : String(error)}); PostgreSQL has the revocation`),
      syncOnConnect: false,
    });
    const auditFromCli = (entry: AuditEntry) => audit.record({ ...entry, details: { ...entry.details, via: "cli" } });
    const registry = createClientRegistry({
      db,
      audit: auditFromCli,
      revokeTokensOfClient: (id, actorId) => revokeAllForClient({ db, revocations, now: () => new Date(), audit: auditFromCli }, id, actorId),
    });

    if (command === "create") {
      const input: NewClientInput = {
        name: values.name ?? "",
        type: values.type as NewClientInput["type"],
        grantTypes: (values.grant ?? []) as NewClientInput["grantTypes"],
        scopes: (values.scope ?? []).flatMap((scope) => scope.split(/\s+/)).filter(Boolean) as NewClientInput["scopes"],
        redirectUris: values["redirect-uri"] ?? [],
        firstParty: values["first-party"] ?? false,
        mayIntrospect: values.introspect ?? false,
      };
      const { client, clientSecret } = await registry.create(input);
      writeAnswer(`${JSON.stringify(clientSecret ? { client_id: client.id, client_secret: clientSecret } : { client_id: client.id })}\n`);
      console.error(clientSecret ? `Registered ${client.id}. Keep the secret now: it is not shown again.` : `Registered public client ${client.id}.`);
      return 0;
    }
    if (command === "list") {
      const clients = await registry.list();
      writeAnswer(values.json ? `${JSON.stringify(clients)}\n` : table(clients));
      return 0;
    }
    if (command === "rotate-secret") {
      const rotated = await registry.rotateSecret(clientId!, overlap);
      if (!rotated) throw new Error(`no active confidential client ${clientId}`);
      writeAnswer(`${JSON.stringify({ client_id: clientId, client_secret: rotated.clientSecret, previous_secret_expires_at: rotated.previousSecretExpiresAt?.toISOString() ?? null })}\n`);
      return 0;
    }
    const revoked = await registry.revoke(clientId!);
    if (!revoked) throw new Error(`no active client ${clientId}`);
    writeAnswer(`${JSON.stringify({ client_id: clientId, revoked: true })}\n`);
    return 0;
  } finally {
    await Promise.all(pending);
    redis?.disconnect();
    await database.close();
    await target.stop?.();
  }
}

const [command, ...argv] = process.argv.slice(2);
main(command, argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof z.ZodError;
    // One line: the reason (`--help` prints the usage).
    process.stderr.write(`client:${command ?? ""}: ${reasonOf(error)}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
