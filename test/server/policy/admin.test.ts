// SPDX-License-Identifier: MIT
/** Admin actions against the tenant rules: deleting a device record frees its user's device-limit slot. */
import { describe, expect, it } from "vitest";
import { windowsHarness } from "../../device/windows/harness.js";

describe("deleting a device record (timeline deleteRecords)", () => {
  it("frees the user's device-limit slot: the refused device enrolls afterwards", async () => {
    const h = await windowsHarness({}, undefined, { restrictions: { deviceLimit: 1 } });
    try {
      const first = await h.run("windows-byod", { windows: { upn: "lia@contoso.com" } }, 0);
      expect(first.result.ok).toBe(true);
      const second = await h.run("windows-byod", { windows: { upn: "lia@contoso.com" } }, 1);
      expect(second.result).toMatchObject({ ok: false, code: "windows.fault.DeviceCapReached" });
      const serial = first.result.keychain.identities[0]!.certificate.serialHex;
      const admin = h.server.halves.find((x) => x.name === "windows")!.admin!;
      expect(admin.deleteDevices([{ certificateSerials: [serial] }])).toBe(1);
      expect((h.server.policy.records().enrollments as { removed: boolean }[]).map((e) => e.removed)).toEqual([true]);
      const again = await h.run("windows-byod", { windows: { upn: "lia@contoso.com" } }, 1);
      expect(again.result.ok).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe("expect.server refusals", () => {
  it("counts the tenant rules' refusals by reason and fails when the count differs", async () => {
    const { serverExpectations } = await import("../../../src/api/server-expect.js");
    const records = {
      enrollments: [],
      certificates: [],
      policy: [],
      policyRefusals: [
        { deviceKey: "a", refusal: "device-limit" },
        { deviceKey: "b", refusal: "device-limit" },
        { deviceKey: "c", refusal: "device-quota" },
      ],
    };
    expect(serverExpectations({ refusals: { "device-limit": 2, "device-quota": 1 } }, records).map((r) => r.ok)).toEqual([true, true]);
    expect(serverExpectations({ refusals: { "device-limit": 1 } }, records)[0]).toMatchObject({ ok: false, name: "server refusals device-limit", actual: "2 refusals" });
  });
});
