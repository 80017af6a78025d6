import { describe, expect, it } from "vitest";

import { readActionMultipart } from "@/server/http/action-multipart";

/*
 * A script-called action's multipart body, read as Next.js reads it (busboy) and refused where React
 * would fail on it: Next.js answered each refused body here with a 500.
 */
const BOUNDARY = "gatehouse";
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;
const part = (headers: string, value: string) => `--${BOUNDARY}\r\n${headers}\r\n\r\n${value}\r\n`;
const named = (name: string, value: string) => part(`Content-Disposition: form-data; name="${name}"`, value);
const body = (...parts: string[]) => new TextEncoder().encode(`${parts.join("")}--${BOUNDARY}--\r\n`);

describe("readActionMultipart", () => {
  it("reads what React's client writes: the arguments in 0, a form's entries under _<n>_ (as a browser sent them)", async () => {
    const id = "40e2be7c9b3a237d6a555fc9796e27b9382634e7f8";
    const fields = await readActionMultipart(body(named(`_1_$ACTION_ID_${id}`, ""), named("_1_familyId", "cmxd8842x000b2o7dyjtzrils"), named("0", '["$K1"]')), TYPE);
    expect(fields && Object.fromEntries(fields)).toEqual({ [`_1_$ACTION_ID_${id}`]: "", _1_familyId: "cmxd8842x000b2o7dyjtzrils", "0": '["$K1"]' });
    expect(await readActionMultipart(body(named("1_provider", "local"), named("0", '["$K1"]')), TYPE)).not.toBeNull();
  });

  it("reads a part as busboy does, not as the Fetch API would: the first of two names, the part's own charset", async () => {
    const twoNames = await readActionMultipart(body(part('Content-Disposition: form-data; name="0"\r\nContent-Disposition: form-data; name="zz"', "not json")), TYPE);
    expect(twoNames?.get("0")).toBe("not json");
  });

  it.each([
    ["part 0 twice", body(named("0", "[]"), named("0", "[1]"))],
    ...["00", " 0", "-0", "0x0", "0.0", "S0", "x"].map((name) => [`a part React reads as a number (${JSON.stringify(name)})`, body(named(name, "[1]"), named("0", "[]"))] as [string, Uint8Array]),
    ["a part without a name", body(part("Content-Disposition: form-data", "x"), named("0", "[]"))],
    ["part 0 as a file", body(part('Content-Disposition: form-data; name="0"; filename="a"\r\nContent-Type: application/octet-stream', "[]"))],
    ["a file in base64", body(part('Content-Disposition: form-data; name="1_f"; filename="a"\r\nContent-Transfer-Encoding: base64', "AAAA"), named("0", '["$K1"]'))],
  ])("refuses %s", async (_, multipart) => {
    expect(await readActionMultipart(multipart, TYPE)).toBeNull();
  });

  it("refuses a body that does not parse", async () => {
    expect(await readActionMultipart(new TextEncoder().encode("not multipart"), "multipart/form-data")).toBeNull();
  });
});
