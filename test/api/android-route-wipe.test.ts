// SPDX-License-Identifier: MIT
/**
 * Contract tests over loopback (the embedded server on 127.0.0.1, real sockets): the Company Portal route
 * refused by the tenant's restrictions with corporate identifiers honoured (blind-trial ticket 08 as a
 * scenario pair), the tenant's device limit and DEM ceiling on Android, and the AMAPI remote wipe picked
 * up at the next status report on virtual time.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const file = (p: string) => join(import.meta.dirname, "../../scenarios", p);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const T = 120_000;

describe("Android: Company Portal route, device limits and remote wipe", () => {
  it(
    "personal work profiles blocked: the Pixels show Intune's restriction failure; the IMEI-imported Android 10 phones enroll as corporate; the fixed variant enrolls all",
    async () => {
      const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-wp-")), "trace");
      const failing = await runScenario(file("examples/android-wp-personal-blocked-failing.yaml"), { ...opts, trace: dir });
      expect(failing.summary).toMatchObject({ devices: 5, enrolled: 2, ok: true });
      const blocked = failing.summary.errors["android.enrollment.blocked"]!;
      expect(blocked.count).toBe(3);
      expect(blocked.shown).toMatchObject({ code: "enrollmentRestrictionsEnforced", name: "Enrollment restriction not met (personal-blocked)", text: "Enrollment restrictions configured by admin blocked this enrollment." });
      const traces = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));
      // Android 14 sends no identifiers; the Android 10 phones do, and the server matches the IMEI.
      expect(traces.filter((t) => /identifiersSent"?:\s*false/.test(t))).toHaveLength(3);
      expect(traces.filter((t) => /route\?[^"]*imei=/.test(t))).toHaveLength(2);
      const fixed = await runScenario(file("examples/android-wp-personal-blocked-fixed.yaml"), opts);
      expect(fixed.summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
    },
    T,
  );

  it(
    "a device enrollment manager's 11th personally owned work profile is refused (dem-limit)",
    async () => {
      const { summary } = await runScenario(file("failures/android-dem-wp-limit.yaml"), opts);
      expect(summary).toMatchObject({ devices: 11, enrolled: 10, ok: true });
      expect(summary.errors["android.enrollment.device-limit"]!.count).toBe(1);
    },
    T,
  );

  it(
    "the admin's wipe of a fully managed Pixel: WIPE acknowledged at its next status report, then silence",
    async () => {
      const { summary } = await runScenario(file("timeline/android-lost-phone-wiped.yaml"), opts);
      expect(summary.ok).toBe(true);
      expect(summary.steps["checkin.android.amapi.command"]!.count).toBe(1);
      // Round 1: three status reports (the lost phone's carries WIPE); round 2: two.
      expect(summary.steps["checkin.android.amapi.status"]!.count).toBe(5);
    },
    T,
  );
});
