// The `gatehouse` command: sign in to a Gatehouse with the device authorization grant (RFC 8628) and
// call its API. It talks HTTP only, through openid-client for everything OAuth: it shares no code with
// the server (its own package, its own client id `gatehouse-cli`).
import { parseArgs } from "node:util";

import * as oauth from "openid-client";
import QRCode from "qrcode";

import { credentialsFile, deleteCredentials, readCredentials, writeCredentials } from "./credentials.mjs";

const CLIENT_ID = "gatehouse-cli";
const DEFAULT_URL = "http://localhost:3000";
const DEFAULT_SCOPE = "profile notes:read notes:write";
/** `token` and the API commands refresh an access token that expires sooner than this. */
const REFRESH_MARGIN_MS = 60_000;

/** Exit codes: 0 done, 1 failed, 2 bad arguments, 3 not signed in (run `gatehouse login`). */
const EXIT = { ok: 0, failed: 1, usage: 2, signedOut: 3 };

const HELP = `Usage: gatehouse <command> [options]

Commands:
  login [--url URL] [--scope SCOPES]   sign in with a code approved in your browser (device grant)
  whoami                               who you are signed in as
  notes list                           your notes, newest first
  notes add TITLE [--body TEXT]        create a note
  notes rm ID                          delete a note
  token                                print a fresh access token, for scripts:
                                         curl -H "Authorization: Bearer $(gatehouse token)" ...
  logout                               revoke the tokens and forget them

Options:
  --url URL   the Gatehouse to sign in to (default: $GATEHOUSE_URL, else ${DEFAULT_URL})
  --help      this text

Tokens are kept in ${credentialsFile()} (readable by you only).
Exit codes: 0 done, 1 failed, 2 bad arguments, 3 not signed in.
`;

class CliError extends Error {
  /** @param {string} message one line, for the person @param {number} [exitCode] */
  constructor(message, exitCode = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** @param {string} value */
function baseUrl(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--url must be an absolute URL such as ${DEFAULT_URL}, not "${value}"`, EXIT.usage);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLocal(url))) throw new CliError("--url must be https (plain http only for localhost)", EXIT.usage);
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/** @param {URL} url */
const isLocal = (url) => ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);

/** The server's metadata, through openid-client's RFC 8414 discovery; plain http only for a local server. */
async function discover(url) {
  const local = isLocal(new URL(url));
  return reachable(url, () =>
    oauth.discovery(new URL(url), CLIENT_ID, undefined, oauth.None(), { algorithm: "oauth2", ...(local ? { execute: [oauth.allowInsecureRequests] } : {}) }),
  );
}

/**
 * Why a request never got an answer (ECONNREFUSED, ENOTFOUND, a port fetch refuses...), however deeply
 * the failed fetch was wrapped; undefined for any other error.
 */
function networkFailure(error) {
  let failedFetch = false;
  for (let current = error, depth = 0; current && depth < 5; current = current.cause, depth += 1) {
    if (typeof current.code === "string" && /^E[A-Z]+$/.test(current.code)) return current.code;
    if (failedFetch && current.message) return current.message;
    failedFetch ||= current instanceof TypeError && current.message === "fetch failed";
  }
  return failedFetch ? "fetch failed" : undefined;
}

/** Runs `call`, saying "cannot reach" in one line when the server does not answer. */
async function reachable(url, call) {
  try {
    return await call();
  } catch (error) {
    const failure = networkFailure(error);
    if (failure) throw new CliError(`Cannot reach Gatehouse at ${url} (${failure}).`);
    throw error;
  }
}

/** @param {unknown} error */
const oauthErrorOf = (error) => (error instanceof oauth.ResponseBodyError ? error.error : undefined);

/** A spinner with the time left on a terminal; one line otherwise (a script, a test). */
function waiting(expiresAt) {
  const left = () => {
    const seconds = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };
  if (!process.stderr.isTTY) {
    process.stderr.write(`Waiting for approval (the code expires in ${left()})...\n`);
    return () => {};
  }
  const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
  let frame = 0;
  const timer = setInterval(() => {
    process.stderr.write(`\r${frames[(frame += 1) % frames.length]} Waiting for approval... ${left()} left `);
  }, 100);
  return () => {
    clearInterval(timer);
    process.stderr.write("\r\x1b[2K");
  };
}

async function login(values) {
  const url = baseUrl(values.url ?? process.env.GATEHOUSE_URL ?? DEFAULT_URL);
  const config = await discover(url);
  const started = await reachable(url, () => oauth.initiateDeviceAuthorization(config, { scope: values.scope ?? DEFAULT_SCOPE }));
  const link = started.verification_uri_complete ?? started.verification_uri;
  process.stdout.write(`To sign in, open ${started.verification_uri} and enter the code ${started.user_code}\n`);
  process.stdout.write(`or go straight to ${link}\n\n`);
  process.stdout.write(`${await QRCode.toString(link, { type: "terminal", small: true })}\n`);
  const expiresAt = Date.now() + started.expires_in * 1000;
  const stop = waiting(expiresAt);
  let tokens;
  try {
    tokens = await reachable(url, () => oauth.pollDeviceAuthorizationGrant(config, started, undefined, { signal: AbortSignal.timeout(started.expires_in * 1000) }));
  } catch (error) {
    if (oauthErrorOf(error) === "access_denied") throw new CliError("Access was denied in the browser.");
    if (oauthErrorOf(error) === "expired_token" || (error instanceof Error && error.name === "TimeoutError")) {
      throw new CliError("The code expired before anyone approved it: run gatehouse login again.");
    }
    throw error;
  } finally {
    stop();
  }
  if (!tokens.refresh_token) throw new CliError("Gatehouse answered without a refresh token.");
  await writeCredentials({ url, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000, scope: tokens.scope ?? "" });
  process.stdout.write(`Signed in to ${url}. Tokens saved in ${credentialsFile()}.\n`);
  return EXIT.ok;
}

/** The saved credentials with an access token good for at least a minute (refreshed and saved if need be). */
async function freshCredentials() {
  const saved = await readCredentials();
  if (!saved) throw new CliError("Not signed in: run gatehouse login.", EXIT.signedOut);
  if (saved.expiresAt - Date.now() > REFRESH_MARGIN_MS) return saved;
  const config = await discover(saved.url);
  let tokens;
  try {
    tokens = await reachable(saved.url, () => oauth.refreshTokenGrant(config, saved.refreshToken));
  } catch (error) {
    if (oauthErrorOf(error) === "invalid_grant") {
      await deleteCredentials();
      throw new CliError("Your sign-in has ended (revoked or expired): run gatehouse login again.", EXIT.signedOut);
    }
    throw error;
  }
  const renewed = { ...saved, accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? saved.refreshToken, expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000, scope: tokens.scope ?? saved.scope };
  await writeCredentials(renewed);
  return renewed;
}

/** A call to the Gatehouse API as the signed-in person; its JSON, or a one-line error. */
async function api(method, path, body, credentials) {
  credentials ??= await freshCredentials();
  const response = await reachable(credentials.url, () =>
    fetch(`${credentials.url}${path}`, {
      method,
      // The token goes to this server only, never to wherever a redirect points.
      redirect: "error",
      headers: { Authorization: `Bearer ${credentials.accessToken}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }),
  );
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => null);
  if (response.status === 401) throw new CliError("Gatehouse refused the token: run gatehouse login again.", EXIT.signedOut);
  if (!response.ok) throw new CliError(answer?.error?.message ?? `Gatehouse answered ${response.status}.`);
  return answer;
}

async function whoami() {
  const credentials = await freshCredentials();
  const { url } = credentials;
  const me = await api("GET", "/api/v1/me", undefined, credentials);
  const who = me.kind === "person" ? `${me.user.name ?? "(no name)"} <${me.user.email ?? "no email"}>` : me.name;
  process.stdout.write(`${who} on ${url}\n`);
  return EXIT.ok;
}

async function notes(positionals, values) {
  const [action, argument] = positionals;
  if (action === "list" && !argument) {
    const page = await api("GET", "/api/v1/notes?limit=100");
    for (const note of page.notes) process.stdout.write(`${note.id}  ${note.title}\n`);
    if (page.notes.length === 0) process.stderr.write("No notes yet: gatehouse notes add TITLE\n");
    return EXIT.ok;
  }
  if (action === "add" && argument) {
    const note = await api("POST", "/api/v1/notes", { title: argument, ...(values.body ? { body: values.body } : {}) });
    process.stdout.write(`${note.id}\n`);
    return EXIT.ok;
  }
  if (action === "rm" && argument) {
    await api("DELETE", `/api/v1/notes/${encodeURIComponent(argument)}`);
    return EXIT.ok;
  }
  throw new CliError("Usage: gatehouse notes list | notes add TITLE [--body TEXT] | notes rm ID", EXIT.usage);
}

async function token() {
  process.stdout.write(`${(await freshCredentials()).accessToken}\n`);
  return EXIT.ok;
}

async function logout() {
  const saved = await readCredentials();
  if (!saved) {
    process.stderr.write("Not signed in.\n");
    return EXIT.ok;
  }
  // RFC 7009: revoking the refresh token ends the whole family, its access tokens included. If that
  // fails (the server is unreachable), the file stays, so the tokens can still be revoked later.
  const config = await discover(saved.url);
  await reachable(saved.url, () => oauth.tokenRevocation(config, saved.refreshToken));
  await deleteCredentials();
  process.stdout.write(`Signed out of ${saved.url}.\n`);
  return EXIT.ok;
}

/** @param {string[]} argv @returns {Promise<number>} the exit code */
export async function main(argv) {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { url: { type: "string" }, scope: { type: "string" }, body: { type: "string" }, help: { type: "boolean", short: "h" } },
      });
    } catch (error) {
      throw new CliError(`${error instanceof Error ? error.message : String(error)} (see gatehouse --help)`, EXIT.usage);
    }
    const { values, positionals } = parsed;
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      process.stdout.write(HELP);
      return command || values.help ? EXIT.ok : EXIT.usage;
    }
    const takesNoArguments = { login: () => login(values), whoami, token, logout };
    if (Object.hasOwn(takesNoArguments, command)) {
      if (rest.length > 0) throw new CliError(`gatehouse ${command} takes no arguments`, EXIT.usage);
      return await takesNoArguments[command]();
    }
    if (command === "notes") return await notes(rest, values);
    throw new CliError(`Unknown command "${command}" (see gatehouse --help)`, EXIT.usage);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      return error.exitCode;
    }
    const described = error instanceof oauth.ResponseBodyError ? `${error.error}: ${error.error_description ?? ""}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`gatehouse: ${described.split("\n")[0]}\n`);
    return EXIT.failed;
  }
}
