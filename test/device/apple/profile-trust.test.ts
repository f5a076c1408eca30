// SPDX-License-Identifier: MIT
/** The rule for a profile's roots by platform, release and install channel (src/device/apple/profile-trust.ts; Apple support 102390). */
import { describe, expect, it } from "vitest";
import { trustOnInstall, type ProfileChannel } from "../../../src/device/apple/profile-trust.js";

describe("trustOnInstall", () => {
  it.each<[os: "iOS" | "macOS", version: string, channel: ProfileChannel, trusted: boolean]>([
    ["iOS", "15.5", "manual", false],
    ["iOS", "10.3", "manual", false],
    ["iOS", "10.2.1", "manual", true],
    ["iOS", "17.5", "mdm", true],
    ["iOS", "17.5", "ade", true],
    ["iOS", "17.5", "configurator", true],
    ["iOS", "17.5", "account", true],
    ["macOS", "14.5", "manual", true],
  ])("%s %s installed by %s: trusted for TLS %s", (os, version, channel, trusted) => {
    const r = trustOnInstall(os, version, channel);
    expect(r.trusted).toBe(trusted);
    if (!trusted) expect(r.why).toContain("Certificate Trust Settings");
  });
});
