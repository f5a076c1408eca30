// SPDX-License-Identifier: MIT
/**
 * DDM asset data and activation predicates end to end (scenarios/ios-ddm-assets.yaml): the
 * status reports the server received say which declarations are valid/active and why not.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { appleServerOf } from "../../src/api/push-report.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";
import { getStatusItem } from "../../src/wire/apple/ddm.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const opts = { keyPoolSize: 24, progress: false as const };

type Decl = { identifier: string; active: boolean; valid: string; reasons?: { code: string; description?: string }[] };

describe("ios-ddm-assets", () => {
  it("downloads asset data once per asset, reports the wrong-hash asset invalid, activates the iPad-only configuration on iPads only", async () => {
    let server: ReferenceServer | undefined;
    const { summary } = await runScenario(scenario("ios-ddm-assets.yaml"), { ...opts, onServer: (s) => (server = s) });
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
    expect(summary.steps["ddm.asset"]!.count).toBe(10);
    const apple = appleServerOf(server)!;
    // Both assets were served to every device (MDM authentication: the device identity over mTLS).
    expect(apple.ddmAssets.fetches.get("com.enrollsim.asset.good")).toBe(5);
    expect(apple.ddmAssets.fetches.get("com.enrollsim.asset.bad")).toBe(5);
    expect(apple.ddmReports.length).toBe(5);
    let ipads = 0;
    for (const { udid, report } of apple.ddmReports) {
      const decls = getStatusItem(report.StatusItems, "management.declarations") as Record<string, Decl[]>;
      const find = (kind: string, id: string) => decls[kind]!.find((d) => d.identifier === id)!;
      expect(find("assets", "com.enrollsim.asset.good")).toMatchObject({ valid: "valid", active: true });
      const bad = find("assets", "com.enrollsim.asset.bad");
      expect(bad).toMatchObject({ valid: "invalid", active: false });
      expect(bad.reasons![0]!.code).toBe("Error.AssetCannotBeVerified");
      expect(bad.reasons![0]!.description).toContain("Hash-SHA-256");
      expect(find("configurations", "com.enrollsim.files.good")).toMatchObject({ valid: "valid", active: true });
      const badCfg = find("configurations", "com.enrollsim.files.bad");
      expect(badCfg).toMatchObject({ valid: "invalid", active: false });
      expect(badCfg.reasons![0]!.code).toBe("Error.ConfigurationCannotBeApplied");
      const unsupported = find("activations", "com.enrollsim.act.unsupported");
      expect(unsupported).toMatchObject({ valid: "invalid", active: false });
      expect(unsupported.reasons![0]!.code).toBe("Error.UnableToParsePredicate");
      const family = getStatusItem(report.StatusItems, "device.model.family");
      const isIpad = family === "iPad";
      if (isIpad) ipads++;
      expect(find("activations", "com.enrollsim.act.ipad")).toMatchObject({ valid: "valid", active: isIpad });
      expect(find("configurations", "com.enrollsim.passcode.ipad")).toMatchObject({ valid: "valid", active: isIpad });
      // The iPad-only MinimumLength 8 makes the 6-digit passcode non-compliant on iPads only.
      if (getStatusItem(report.StatusItems, "passcode.is-compliant") !== undefined) expect(getStatusItem(report.StatusItems, "passcode.is-compliant")).toBe(!isIpad);
      expect(udid).toBeTruthy();
    }
    expect(ipads).toBe(2);
  }, 120_000);
});
