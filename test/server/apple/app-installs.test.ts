// SPDX-License-Identifier: MIT
/**
 * The server's side of managed app installs: the Apps and Books location token on the server clock
 * (expiry, the timeline's expire/revoke), Apple's error numbers, the App Store stand-in's answer, and
 * the ManagedApplicationList verification (asked only after the device acknowledged the install,
 * until a final status).
 */
import { describe, expect, it } from "vitest";
import { VppPool } from "../../../src/server/apple/vpp.js";
import { AppInstallTracker } from "../../../src/server/apple/app-installs.js";

const DAY = 86_400_000;

describe("Apps and Books location (server/apple/vpp.ts)", () => {
  it("the token lives expiresInDays on the server clock, then every assignment gets 9621; a revoked token 9625", () => {
    let now = 0;
    const pool = new VppPool({ token: { expiresInDays: 2 }, apps: [{ adamId: 1, licenses: 10, assignment: "device" }] }, () => now);
    expect(pool.assign(1, { serial: "A" })).toBeUndefined();
    now = 2 * DAY - 1;
    expect(pool.assign(1, { serial: "B" })).toBeUndefined();
    now = 2 * DAY;
    expect(pool.assign(1, { serial: "C" })).toEqual({ code: "9621", message: "9621 The token has expired. Generate a new token in Apple School Manager." });
    // A licence assigned before the expiry stays: the App Store still finds it.
    expect(pool.licenceFor(1, "A", undefined)).toBe("device");
    expect(pool.licenceFor(1, "C", undefined)).toBeUndefined();
    expect(pool.refusals).toEqual({ "9621": 1 });

    const early = new VppPool({ apps: [{ adamId: 1, licenses: 10, assignment: "device" }] }, () => 0);
    expect(early.expireToken()).toContain("9621");
    expect(early.assign(1, { serial: "A" })).toMatchObject({ code: "9621" });
    const revoked = new VppPool({ apps: [{ adamId: 1, licenses: 10, assignment: "device" }] }, () => 0);
    revoked.revokeToken();
    expect(revoked.assign(1, { serial: "A" })).toEqual({ code: "9625", message: "9625 The sToken has been revoked." });
  });

  it("a device licence for an app whose developer disallows device assignment is 9628; user licences are found by user", () => {
    const pool = new VppPool(
      {
        apps: [
          { adamId: 7, licenses: 5, assignment: "device", deviceAssignable: false },
          { adamId: 8, licenses: 5, assignment: "user" },
        ],
      },
      () => 0,
    );
    expect(pool.assign(7, { serial: "A" })).toMatchObject({ code: "9628" });
    pool.associate("Ann@Contoso.test");
    expect(pool.assign(8, { serial: "A", user: "ann@contoso.test" })).toBeUndefined();
    expect(pool.licenceFor(8, "A", "ANN@contoso.test")).toBe("user");
    expect(pool.licenceFor(8, "A", "bob@contoso.test")).toBeUndefined();
    expect(pool.bundleId(719171358)).toBe("com.microsoft.CompanyPortal");
    expect(pool.bundleId(8)).toBe("id8");
  });
});

describe("app install verification and the App Store stand-in (server/apple/app-installs.ts)", () => {
  const get = (t: AppInstallTracker, url: string) => {
    const res = t.store({ method: "GET", url, headers: {} }, new URL(url, "http://x").pathname, (serial) => (serial === "S1" ? "ann@contoso.test" : undefined));
    return { status: res.status, json: JSON.parse(Buffer.from(res.body).toString("utf8")) };
  };

  it("asks ManagedApplicationList only after the device acknowledged the install, until a final status; transient reports end it", () => {
    const t = new AppInstallTracker(() => undefined);
    const id = t.sent("U1", { iTunesStoreID: 719171358, ManagementFlags: 1 });
    expect(id).toBe("com.microsoft.CompanyPortal");
    expect(t.pending("U1")).toEqual([]);
    t.answered("U1", id!, "NotNow");
    expect(t.pending("U1")).toEqual([]);
    t.answered("U1", id!, "Acknowledged");
    expect(t.pending("U1")).toEqual([id]);
    t.result("U1", { ManagedApplicationList: { [id!]: { Status: "Prompting" } } }, [id!]);
    expect(t.statuses("U1")).toEqual({ [id!]: "Prompting" });
    expect(t.pending("U1")).toEqual([id]);
    t.result("U1", { ManagedApplicationList: { [id!]: { Status: "UserRejected" } } }, [id!]);
    expect(t.pending("U1")).toEqual([]);
    expect(t.reported).toEqual({ UserRejected: 1 });
    // An install answered with an error is final too; an app the device no longer lists is Unknown.
    const other = t.sent("U2", { Identifier: "com.contoso.field" })!;
    t.answered("U2", other, "Error");
    expect(t.pending("U2")).toEqual([]);
    const third = t.sent("U3", { Identifier: "com.contoso.notes" })!;
    t.answered("U3", third, "Acknowledged");
    t.result("U3", { ManagedApplicationList: {} }, [third]);
    expect(t.statuses("U3")).toEqual({ [third]: "Unknown" });
  });

  it("the App Store stand-in answers name, bundle id and the licence of the serial or its user; hostile paths are 404/405", () => {
    const pool = new VppPool(
      {
        apps: [
          { adamId: 719171358, name: "Intune Company Portal", licenses: 1, assignment: "device" },
          { adamId: 9, name: "Notes", bundleId: "com.contoso.notes", licenses: 1, assignment: "user" },
        ],
      },
      () => 0,
    );
    pool.associate("ann@contoso.test");
    pool.assign(719171358, { serial: "S1" });
    pool.assign(9, { user: "ann@contoso.test" });
    const t = new AppInstallTracker(() => pool);
    expect(get(t, "/apple/appstore/licenses/719171358?serialNumber=S1")).toEqual({ status: 200, json: { adamId: 719171358, bundleId: "com.microsoft.CompanyPortal", name: "Intune Company Portal", licence: "device" } });
    expect(get(t, "/apple/appstore/licenses/719171358?serialNumber=S2").json.licence).toBeNull();
    expect(get(t, "/apple/appstore/licenses/9?serialNumber=S1").json).toMatchObject({ bundleId: "com.contoso.notes", licence: "user" });
    expect(get(t, "/apple/appstore/licenses/../../etc").status).toBe(404);
    expect(get(t, "/apple/appstore/licenses/99999999999999999").status).toBe(404);
    expect(t.store({ method: "POST", url: "/apple/appstore/licenses/9", headers: {} }, "/apple/appstore/licenses/9", () => undefined).status).toBe(405);
  });
});
