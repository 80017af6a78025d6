// Starts the identity provider in-process on a free port and drives it like Auth.js would.
import { randomBytes } from "node:crypto";
import { startLocalIdp, type RunningLocalIdp } from "../../idp/server";
import { FakeBrowser, followUntilLeaving, newPkceRequest, type PkceRequest } from "./fake-browser";

export const client = {
  id: "gatehouse-test",
  secret: randomBytes(24).toString("hex"),
  redirectUri: "http://localhost:3000/api/auth/callback/local",
} as const;

export function startTestIdp(): Promise<RunningLocalIdp> {
  return startLocalIdp({
    port: 0,
    clientId: client.id,
    clientSecret: client.secret,
    redirectUris: [client.redirectUri],
  });
}

export function authorizationUrl(issuer: string, pkce: PkceRequest, overrides: Record<string, string | null> = {}): URL {
  const url = new URL("/auth", issuer);
  const params: Record<string, string | null> = {
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: "code",
    scope: "openid email profile",
    state: pkce.state,
    nonce: pkce.nonce,
    code_challenge: pkce.codeChallenge,
    code_challenge_method: "S256",
    ...overrides,
  };
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url;
}

export interface LoginPage {
  /** e.g. http://localhost:1234/interaction/abc */
  url: URL;
  html: string;
}

/** Starts an authorization request and follows it to the login page. */
export async function openLoginPage(browser: FakeBrowser, issuer: string, pkce: PkceRequest): Promise<LoginPage> {
  const start = await browser.request(authorizationUrl(issuer, pkce));
  const location = start.headers.get("location");
  if (start.status !== 303 || !location) throw new Error(`expected a redirect to the login page, got ${start.status}`);
  const url = new URL(location, issuer);
  const page = await browser.request(url);
  if (page.status !== 200) throw new Error(`login page answered ${page.status}`);
  return { url, html: await page.text() };
}

/** Posts the login form (or a seeded user's button) and follows the browser back to the client. */
export async function submitLogin(
  browser: FakeBrowser,
  issuer: string,
  loginPage: LoginPage,
  fields: Record<string, string>,
): Promise<URL> {
  const response = await browser.post(`${loginPage.url.href}/login`, fields);
  const { leftTo, page } = await followUntilLeaving(browser, issuer, response);
  if (!leftTo) throw new Error(`sign-in did not return to the client: ${page?.status} ${await page?.text()}`);
  return leftTo;
}

export interface TokenResponse {
  access_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

/** RFC 6749 §4.1.3, authenticating with client_secret_basic (what Auth.js does) or client_secret_post. */
export async function exchangeCode(
  issuer: string,
  code: string,
  codeVerifier: string | undefined,
  method: "client_secret_basic" | "client_secret_post" = "client_secret_basic",
): Promise<Response> {
  const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: client.redirectUri });
  if (codeVerifier !== undefined) body.set("code_verifier", codeVerifier);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (method === "client_secret_basic") {
    // RFC 6749 §2.3.1: form-urlencode id and secret before base64.
    const credentials = `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  } else {
    body.set("client_id", client.id);
    body.set("client_secret", client.secret);
  }
  return fetch(new URL("/token", issuer), { method: "POST", headers, body });
}

/** Signs in through the whole flow as the given form fields and returns the token response. */
export async function signInAndExchange(
  issuer: string,
  fields: Record<string, string>,
  browser = new FakeBrowser(),
): Promise<{ tokens: TokenResponse; pkce: PkceRequest }> {
  const pkce = newPkceRequest();
  const loginPage = await openLoginPage(browser, issuer, pkce);
  const callback = await submitLogin(browser, issuer, loginPage, fields);
  const code = callback.searchParams.get("code");
  if (!code || callback.searchParams.get("state") !== pkce.state) throw new Error(`bad callback ${callback.href}`);
  const response = await exchangeCode(issuer, code, pkce.codeVerifier);
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
  return { tokens: (await response.json()) as TokenResponse, pkce };
}
