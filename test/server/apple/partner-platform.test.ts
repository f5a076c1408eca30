// SPDX-License-Identifier: MIT
/**
 * The partner compliance connector is per platform (issue 12 #13; server-policies.md §12: an Intune
 * partner compliance entry is partner + platform + user groups, one partner per platform, Intune the
 * default for iOS; Jamf Device Compliance is set up for macOS). The directory names the device by
 * what it is, from the enrolled device's ProductName, never "this Mac" for an iPhone.
 */
import { describe, expect, it } from "vitest";
import { Directory, deviceNoun } from "../../../src/server/apple/partner.js";

const post = (dir: Directory, dev: { udid: string; serialNumber?: string; product?: string }, body: object) =>
  dir.handle({ method: "POST", url: "/apple/directory/register", headers: {}, body: new Uint8Array(Buffer.from(JSON.stringify(body))) }, "/apple/directory/register", dev);
const read = (r: { status: number; body: Uint8Array }) => ({ status: r.status, ...JSON.parse(Buffer.from(r.body).toString()) });

describe("partner compliance by platform", () => {
  it("names the device from its product", () => {
    expect(deviceNoun("MacBookAir10,1")).toBe("Mac");
    expect(deviceNoun("iMac21,1")).toBe("Mac");
    expect(deviceNoun("iPhone16,2")).toBe("iPhone");
    expect(deviceNoun("iPad14,1")).toBe("iPad");
    expect(deviceNoun(undefined)).toBe("device");
  });

  it("a Jamf connector (macOS by default) applies to Macs: the Company Portal is refused, naming the Mac", () => {
    const dir = new Directory({ partner: "jamf" });
    const r = read(post(dir, { udid: "M1", serialNumber: "C02", product: "MacBookAir10,1" }, { user: "a@example.org", via: "company-portal" }));
    expect(r).toMatchObject({ status: 403, code: "AccountNotOnboarded" });
    expect(r.message).toMatch(/this Mac is managed by the partner MDM \(jamf\)/);
  });

  it("an iPhone is not under a macOS connector: Intune is its MDM authority, the Company Portal registers it", () => {
    const dir = new Directory({ partner: "jamf" });
    const r = read(post(dir, { udid: "P1", serialNumber: "F2", product: "iPhone16,2" }, { user: "a@example.org", via: "company-portal" }));
    expect(r).toMatchObject({ status: 200, registered: true });
    const self = read(post(dir, { udid: "P1", product: "iPhone16,2" }, { user: "a@example.org", via: "jamf-self-service" }));
    expect(self).toMatchObject({ status: 400, code: "PartnerNotConfigured" });
    expect(self.message).toMatch(/iOS/);
  });

  it("a connector set up for iOS applies to iPhones and says so", () => {
    const dir = new Directory({ partner: "jamf", platforms: ["ios"] });
    const r = read(post(dir, { udid: "P1", product: "iPhone16,2" }, { user: "a@example.org", via: "company-portal" }));
    expect(r).toMatchObject({ status: 403, code: "AccountNotOnboarded" });
    expect(r.message).toMatch(/this iPhone is managed by the partner MDM/);
    expect(read(post(dir, { udid: "M1", product: "MacBookAir10,1" }, { user: "a@example.org", via: "company-portal" }))).toMatchObject({ status: 200 });
  });
});
