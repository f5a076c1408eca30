// SPDX-License-Identifier: MIT
/**
 * OOBE without an Autopilot profile (src/device/windows/oobe-fallback.ts), over loopback against the embedded
 * reference server: a blocked, unresolvable or failing deployment service leaves a user-driven PC in a plain
 * OOBE whose work-account join the tenant's device settings then decide (trial 6 ticket 03); a kiosk stops.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runWithRecords } from "../support/run-with-records.js";

const opts = { keyPoolSize: 24, progress: false as const };
const failures = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const T = 120_000;

const run = (file: string) => runWithRecords(file, opts);

describe("OOBE without an Autopilot profile: the join decides", () => {
  it(
    "ztd.dds.microsoft.com blocked: plain OOBE, Ben's join refused with 801c03ed and the server message; Ana joins as an ordinary user",
    async () => {
      const { summary, records } = await run(failures("win-autopilot-ztd-blocked-join-refused-failing"));
      expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
      const refused = summary.errors["windows.join.disallowed"]!;
      expect(refused).toMatchObject({ count: 2, step: "join.register" });
      expect(refused.shown).toMatchObject({ code: "0x801C03ED", text: expect.stringContaining("Server message: Administrator policy does not allow user ben@contoso.com to device join") });
      expect(records.refusals.map((r) => r.refusal)).toEqual(["join-not-allowed", "join-not-allowed"]);
      // Two objects were joined: the plain-OOBE join is not an Autopilot one, the open site's is.
      const joined = records.directory.filter((o) => o.joinedAt !== undefined);
      expect(joined.map((o) => o.autopilot).sort()).toEqual([false, true]);
    },
    T,
  );
  it(
    "fixed: the host unblocked and Ben allowed to join: all four provision as Autopilot devices",
    async () => {
      const { summary } = await run(failures("win-autopilot-ztd-blocked-join-refused-fixed"));
      expect(summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
    },
    T,
  );
  it(
    "a deployment-service outage (503 on the profile request) is the same plain OOBE; a self-deploying kiosk has nobody to sign in and stops",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "oobe-fallback-"));
      const file = join(dir, "outage.yaml");
      writeFileSync(
        file,
        [
          "name: autopilot-service-outage",
          "seed: 7",
          "server: embedded",
          "groups:",
          "  - { name: users, model: windows-11-laptop, count: 2, flow: windows-autopilot, options: { windows: { minuteMs: 20, autopilot: { profileSource: service } } } }",
          "  - { name: kiosks, model: windows-11-laptop, count: 1, flow: windows-autopilot, options: { windows: { minuteMs: 20, autopilot: { mode: self-deploying, profileSource: service } } } }",
          "timeline:",
          "  - { at: 0s, endpointDown: { path: /windows/autopilot/profile } }",
          "limits: { durationSeconds: 120 }",
          "expect:",
          "  outcomes:",
          "    windows.oobe.entra-join.provisioned: { count: 2 }",
        ].join("\n"),
      );
      const { summary } = await run(file);
      expect(summary).toMatchObject({ devices: 3, enrolled: 2, failed: 1, ok: true });
      // The kiosk's request failed with the 503 (a transport error of the step), not a profile-missing verdict.
      expect(Object.values(summary.errors)[0]).toMatchObject({ count: 1, step: "autopilot.profile" });
    },
    T,
  );
});
