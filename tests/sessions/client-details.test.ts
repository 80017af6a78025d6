import { describe, expect, it } from "vitest";

import { describeClient } from "@/server/sessions/describe-client";

describe("describeClient", () => {
  it("parses browser, OS and device type with ua-parser-js", () => {
    const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    expect(describeClient(iphone, "203.0.113.7")).toMatchObject({ browser: "Mobile Safari 17", os: "iOS 17", deviceType: "mobile", ip: "203.0.113.7" });
    const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    expect(describeClient(firefox, null)).toMatchObject({ browser: "Firefox 140", os: "Linux", deviceType: "desktop" });
  });

  it("keeps at most 512 characters of a user agent, and copes with none", () => {
    expect(describeClient("x".repeat(5000), null).userAgent).toHaveLength(512);
    expect(describeClient(null, null)).toEqual({ userAgent: null, browser: null, os: null, deviceType: null, ip: null });
  });
});
