// SPDX-License-Identifier: MIT
/**
 * Safari's User-Agent by platform, release and Request Desktop Website (device/apple/safari.ts), the Darwin release
 * in the system daemons' User-Agent, the portal's reading of a User-Agent (server/apple/portal.ts browserPlatform),
 * and the portal's per-browser profile end to end on the in-memory Apple world (virtual clock).
 */
import { describe, expect, it } from "vitest";
import { browserPlatform } from "../../../src/server/apple/portal.js";
import { darwinMajor } from "../../../src/device/apple/enroll-common.js";
import { appleWorld } from "./harness.js";

const BY_BROWSER = { Mac: { set: { "Configuration/TargetDeviceType": 5 } }, iPad: { set: { "Configuration/TargetDeviceType": 1 } }, iPhone: { set: { "Configuration/TargetDeviceType": 1 } } };

/** The User-Agent of every request to the enrollment URL, in order. */
function userAgents(w: Awaited<ReturnType<typeof appleWorld>>): string[] {
  const seen: string[] = [];
  const inner = w.apple.handler;
  (w.apple as unknown as { handler: typeof inner }).handler = async (req) => {
    if (new URL(req.url).pathname === "/apple/enroll") seen.push(req.headers?.["user-agent"] ?? "");
    return inner(req);
  };
  return seen;
}

describe("Safari User-Agent", () => {
  it("iPad on iPadOS 13+ asks for desktop websites by default (a Mac string); off, its own; an iPhone asks only when set", async () => {
    const w = await appleWorld({ portal: { profileByBrowser: BY_BROWSER } });
    const seen = userAgents(w);
    const ipad = await w.run(await w.device("ipad-air-m2", 0, { os: { version: "17.5.1", build: "21F90" } }), "ios-profile");
    expect(ipad).toMatchObject({ ok: false, code: "apple.profile.wrong-target-device" });
    expect(seen[0]).toBe("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15");
    expect(await w.run(await w.device("ipad-air-m2", 1, { os: { version: "17.5.1", build: "21F90" }, safari: { requestDesktopWebsite: false } }), "ios-profile")).toMatchObject({ ok: true });
    expect(seen[1]).toBe("Mozilla/5.0 (iPad; CPU OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1");
    expect(await w.run(await w.device("iphone-8", 0, { os: { version: "14.8.1", build: "18H107" } }), "ios-profile")).toMatchObject({ ok: true });
    expect(seen[2]).toBe("Mozilla/5.0 (iPhone; CPU iPhone OS 14_8_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.8 Mobile/15E148 Safari/604.1");
    const desktopPhone = await w.run(await w.device("iphone-15", 0, { safari: { requestDesktopWebsite: true } }), "ios-profile");
    expect(desktopPhone).toMatchObject({ ok: false, code: "apple.profile.wrong-target-device" });
    expect(browserPlatform(seen[3])).toBe("Mac");
    // A Mac gets the Mac profile and installs it; before macOS 11 its real version is in the string.
    expect(await w.run(await w.device("macbook-pro-2017", 0, { os: { version: "10.15.7", build: "19H2" } }), "macos-profile")).toMatchObject({ ok: true });
    expect(seen[4]).toBe("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15");
    expect(await w.run(await w.device("macbook-pro-2017", 1, { os: { version: "10.12.6", build: "16G29" } }), "macos-profile")).toMatchObject({ ok: true });
    expect(seen[5]).toContain("Intel Mac OS X 10_12_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/10.0 ");
    expect(w.apple.devices.size).toBe(4);
    expect(w.apple.log.filter((l) => l.startsWith("portal: Mac User-Agent"))).toHaveLength(4);
  });

  it("an iPad on iOS 12 (before iPadOS 13) sends its own mobile string by default and gets the iPad profile; on iPadOS 13 the Mac's", async () => {
    const w = await appleWorld({ portal: { profileByBrowser: BY_BROWSER } });
    const seen = userAgents(w);
    expect(await w.run(await w.device("ipad-6th-gen", 0, { os: { version: "12.4.1", build: "16G102" } }), "ios-profile")).toMatchObject({ ok: true });
    expect(seen[0]).toBe("Mozilla/5.0 (iPad; CPU OS 12_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.4 Mobile/15E148 Safari/604.1");
    expect(await w.run(await w.device("ipad-6th-gen", 1, { os: { version: "13.7", build: "17H35" } }), "ios-profile")).toMatchObject({ ok: false, code: "apple.profile.wrong-target-device" });
    expect(browserPlatform(seen[1])).toBe("Mac");
  });

  it("without profileByBrowser every browser gets the one profile (the iPad in desktop mode enrolls)", async () => {
    const w = await appleWorld();
    expect(await w.run(await w.device("ipad-air-m2", 0), "ios-profile")).toMatchObject({ ok: true });
  });

  it("the portal reads iPhone, iPad, Macintosh; the system daemons' strings name no browser platform", () => {
    expect(browserPlatform("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15")).toBe("iPhone");
    expect(browserPlatform("Mozilla/5.0 (iPad; CPU OS 13_1_3 like Mac OS X) AppleWebKit/605.1.15")).toBe("iPad");
    expect(browserPlatform("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15) AppleWebKit/605.1.15")).toBe("Mac");
    expect(browserPlatform("profiled/1.0 CFNetwork/1496.0.7 Darwin/23.5.0")).toBeUndefined();
    expect(browserPlatform(undefined)).toBeUndefined();
  });

  it("Darwin release of an OS release", () => {
    expect(darwinMajor("iOS", "17.5.1")).toBe(23);
    expect(darwinMajor("iOS", "14.8.1")).toBe(20);
    expect(darwinMajor("macOS", "14.5")).toBe(23);
    expect(darwinMajor("macOS", "10.12.6")).toBe(16);
    expect(darwinMajor("macOS", "26.0")).toBe(25);
  });
});

describe("the portal's reading of a hostile User-Agent", () => {
  it("missing, empty, garbage, control bytes and a 1 MB header name no platform and return at once", () => {
    const huge = "A".repeat(1_000_000) + " iPhoneX";
    for (const ua of [undefined, "", "\u0000\u0001\uFFFD", "curl/8.5.0", "xiPhone", huge]) expect(browserPlatform(ua)).toBeUndefined();
    expect(browserPlatform("x".repeat(500_000) + " (Macintosh; Intel Mac OS X 10_15_7)")).toBe("Mac");
  });
});
