import { connect } from "node:net";

import { e2eConfig } from "./support/config";
import { expect, test } from "./support/fixtures";
import { createConfidentialClient, tokenPairFor } from "./support/oauth";

/*
 * Two Authorization headers on one request: Node keeps the first and drops the rest, so a valid Bearer
 * token followed by garbage once answered 200, while a front proxy reading the last header would have
 * judged the garbage. Now any request with more than one is refused as invalid_request, whichever comes
 * first. Sent over a raw socket: HTTP clients fold repeated headers before they leave.
 */
async function rawRequest(lines: string[], body = ""): Promise<{ status: number; json: unknown }> {
  const { hostname, port } = new URL(e2eConfig.baseURL);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname === "localhost" ? "127.0.0.1" : hostname, () => {
      socket.write([...lines, `Host: ${hostname}:${port}`, `Content-Length: ${Buffer.byteLength(body)}`, "Connection: close", "", body].join("\r\n"));
    });
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString()));
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
  const [head = "", ...rest] = answer.split("\r\n\r\n");
  const status = Number(head.split(" ")[1]);
  const payload = rest.join("\r\n\r\n");
  // The body may be chunked: take the JSON object inside.
  const json = JSON.parse(payload.slice(payload.indexOf("{"), payload.lastIndexOf("}") + 1)) as unknown;
  return { status, json };
}

test("a valid Bearer token followed by a second Authorization header gets 400 invalid_request", async ({ page, request, signInAs }) => {
  await signInAs("person");
  const { access_token } = await tokenPairFor(page, request, "profile");
  const alone = await rawRequest(["GET /api/v1/me HTTP/1.1", `Authorization: Bearer ${access_token}`]);
  expect(alone.status).toBe(200);

  for (const [first, second] of [
    [`Bearer ${access_token}`, "Bearer garbage"],
    ["Bearer garbage", `Bearer ${access_token}`],
    [`Bearer ${access_token}`, `Bearer ${access_token}`],
    [`Bearer ${access_token}`, "Basic Zm9vOmJhcg=="],
  ]) {
    const doubled = await rawRequest(["GET /api/v1/me HTTP/1.1", `Authorization: ${first}`, `authorization: ${second}`]);
    expect(doubled.status).toBe(400);
    expect(doubled.json).toMatchObject({ error: { code: "invalid_request" } });
  }
});

test("two Basic credentials at the introspection and token endpoints get 400 invalid_request", async () => {
  const client = await createConfidentialClient(`repeated-basic-${Date.now()}`);
  const body = "grant_type=refresh_token&refresh_token=ghr_x";
  const response = await rawRequest(
    ["POST /oauth/introspect HTTP/1.1", `Authorization: ${client.basic}`, "Authorization: Basic Z2FyYmFnZTpnYXJiYWdl", "Content-Type: application/x-www-form-urlencoded"],
    "token=anything",
  );
  expect(response.status).toBe(400);
  expect(response.json).toMatchObject({ error: "invalid_request" });

  const token = await rawRequest(["POST /oauth/token HTTP/1.1", `Authorization: ${client.basic}`, `Authorization: ${client.basic}`, "Content-Type: application/x-www-form-urlencoded"], body);
  expect(token.status).toBe(400);
  expect(token.json).toMatchObject({ error: "invalid_request" });
});
