/**
 * Load on the token endpoint. Every grant consumes what it presents (a refresh token rotates, a code
 * works once), so each request is built from a supply: autocannon, as for every other route (the same
 * client, so the same cost to the load generator on the server's two cores), with each request's body
 * taken from a queue, and each refresh answer's successor put back on it.
 *
 * Each measurement gets a fresh supply: a request still in flight when autocannon stops has rotated its
 * token on the server, and presenting that token again later would be reuse (its family revoked).
 */
import { CODE_VERIFIER, NATIVE_CLIENT_ID, NATIVE_REDIRECT_URI, PERSONAL_CLIENT_ID } from "./fixtures";
import { BENCH_CONNECTIONS, runAutocannon, type Sample } from "./support";

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const refreshForm = (refreshToken: string) => form({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: PERSONAL_CLIENT_ID });
const codeForm = (code: string) => form({ grant_type: "authorization_code", code, redirect_uri: NATIVE_REDIRECT_URI, code_verifier: CODE_VERIFIER, client_id: NATIVE_CLIENT_ID });

/** POST /oauth/token for `duration` seconds, each body made by `next()`; `onAnswer` sees each 200's body. */
async function measureGrants(base: string, duration: number, next: () => string | undefined, onAnswer: (body: string) => void = () => {}): Promise<Sample> {
  let exhausted = false;
  const sample = await runAutocannon({
    url: `${base}/oauth/token`,
    connections: BENCH_CONNECTIONS,
    duration,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        setupRequest: (request) => {
          const body = next();
          if (body === undefined) exhausted = true;
          // Out of supply: a request the server refuses (counted as a failure) rather than none.
          return { ...request, body: body ?? form({ grant_type: "refresh_token", refresh_token: "exhausted", client_id: PERSONAL_CLIENT_ID }) };
        },
        onResponse: (status, body) => {
          if (status === 200) onAnswer(body);
        },
      },
    ],
  });
  if (exhausted) throw new Error("the benchmark ran out of refresh tokens or codes: raise BENCH_CODES or the number of families");
  return sample;
}

/** Refresh grants: chains of rotations, each answer's successor presented next. */
export function measureRefresh(base: string, refreshTokens: string[], duration: number): Promise<Sample> {
  const queue = [...refreshTokens];
  return measureGrants(
    base,
    duration,
    () => {
      const token = queue.shift();
      return token === undefined ? undefined : refreshForm(token);
    },
    (body) => queue.push((JSON.parse(body) as { refresh_token: string }).refresh_token),
  );
}

/** Authorization-code exchanges, one code each. */
export function measureCodeExchange(base: string, codes: string[], duration: number): Promise<Sample> {
  const queue = [...codes];
  return measureGrants(base, duration, () => {
    const code = queue.shift();
    return code === undefined ? undefined : codeForm(code);
  });
}

/** Client-credentials grants: one service asking again and again (nothing is used up). */
export function measureClientCredentials(base: string, service: { clientId: string; clientSecret: string }, duration: number): Promise<Sample> {
  const basic = Buffer.from(`${encodeURIComponent(service.clientId)}:${encodeURIComponent(service.clientSecret)}`).toString("base64");
  return runAutocannon({
    url: `${base}/oauth/token`,
    connections: BENCH_CONNECTIONS,
    duration,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` },
    body: form({ grant_type: "client_credentials" }),
  });
}

/** The stock app's POST baseline: the same form body as a client-credentials grant, to a bare route. */
export function measureFormPost(url: string, duration: number): Promise<Sample> {
  return runAutocannon({
    url,
    connections: BENCH_CONNECTIONS,
    duration,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form({ grant_type: "client_credentials" }),
  });
}
