// SPDX-License-Identifier: MIT
/**
 * Shipped scenarios of the directory device objects (README-windows.md "Directory device objects"): each
 * failing variant shows the published code and text on the affected devices only, each fixed variant
 * enrolls every device, and the timeline deletes and recreates objects during a run.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const };
const file = (p: string) => join(import.meta.dirname, "../../scenarios", `${p}.yaml`);
const run = (p: string) => runScenario(file(p), opts);
const T = 90_000;

describe("directory device objects: failing and fixed pairs", () => {
  it(
    "pre-provisioning after the Entra objects were deleted: 0x801C03F3 on the two bench laptops only; re-registered, all three provision",
    async () => {
      const { summary } = await run("failures/win-preprov-entra-object-deleted-failing");
      expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
      const e = summary.errors["windows.join.device-object-missing"]!;
      expect(e).toMatchObject({ count: 2, step: "join.register" });
      expect(e.shown).toMatchObject({ code: "0x801C03F3", screen: "Enrollment Status Page (Device preparation)" });
      expect(e.shown!.text).toContain("HResult error code 0x801C03F3");
      const fixed = await run("failures/win-preprov-entra-object-deleted-fixed");
      expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    },
    T,
  );
  it(
    "TPM 2.0 chip on 1.2 firmware, and two Autopilot profiles: 0x801C03EA on the ESP's registration line; fixed variants enroll",
    async () => {
      for (const name of ["win-autopilot-tpm12-801c03ea", "win-autopilot-profile-conflict"]) {
        const { summary } = await run(`failures/${name}-failing`);
        expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
        expect(summary.errors["windows.join.device-not-authorized"]!.shown).toMatchObject({ code: "0x801C03EA", text: "Registering your device for mobile management (Failed: 3, 0x801C03EA)." });
        const fixed = await run(`failures/${name}-fixed`);
        expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
      }
    },
    2 * T,
  );
  it(
    "the directory quota counts a stale object from the scenario data: 0x801C0003 with its text",
    async () => {
      const { summary } = await run("policy-directory-quota");
      expect(summary).toMatchObject({ devices: 4, enrolled: 2, ok: true });
      expect(summary.errors["windows.join.disallowed"]!.shown).toMatchObject({ code: "0x801C0003", text: expect.stringContaining("This user is not authorized to enroll") });
    },
    T,
  );
  it(
    "timeline: objects deleted before deployment, re-registered (a set with %SERIAL@group%), Try Again deploys them",
    async () => {
      const { summary } = await run("timeline/windows-entra-objects-deleted-then-reregistered");
      expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
      expect(summary.steps["join.register"]).toMatchObject({ count: 5, failed: 2 });
    },
    T,
  );
});

describe("hybrid sync join", () => {
  it(
    "domain PCs whose objects have not synced: 0x801c03f2 DirectoryError in dsregcmd, no auto-enroll; synced, all five enroll",
    async () => {
      const { summary } = await run("failures/win-hybrid-object-not-synced-failing");
      expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
      expect(summary.errors["windows.join.device-object-pending"]!.shown).toMatchObject({ code: "0x801C03F2", name: "DSREG_E_DIRECTORY_FAILURE" });
      const fixed = await run("failures/win-hybrid-object-not-synced-fixed");
      expect(fixed.summary).toMatchObject({ devices: 5, enrolled: 5, ok: true });
    },
    T,
  );
});

describe("every object state in one run", () => {
  it(
    "deleted, disabled, not synced and enabled objects: each group ends as its object says; a disabled object's code stays unknown",
    async () => {
      const { summary } = await run("policy-directory-device-objects");
      expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
      const disabled = summary.errors["windows.join.device-object-disabled"]!.shown!;
      expect(disabled.code).toBeUndefined();
      expect(disabled.unknown).toEqual({ raw: "AADSTS135011" });
      // Entra's words are the server's (shown.serverSaid), not the Windows screen's.
      expect(disabled.serverSaid).toContain("Device used during the authentication is disabled.");
      expect(disabled.text).not.toContain("Device used during the authentication is disabled.");
    },
    T,
  );
});
