// SPDX-License-Identifier: MIT
/**
 * Screen lock against the policy's password requirements (wire/android/password-policy.ts): the device state
 * screenLock, the profile's AMAPI passwordPolicies, and what Android Device Policy reports (NonComplianceDetail
 * passwordPolicies / USER_ACTION / PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT). The shipped pair runs over loopback.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { lockMeets, passwordNonCompliance, readPasswordPolicies } from "../../../src/wire/android/password-policy.js";
import { readStatusAck } from "../../../src/wire/android/amapi.js";
import { stateProblem } from "../../../src/device/state.js";
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

const PIN6 = [{ passwordQuality: "NUMERIC", passwordMinimumLength: 6 }];
const NOT_SUFFICIENT = { settingName: "passwordPolicies", nonComplianceReason: "USER_ACTION", specificNonComplianceReason: "PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT" };
const profiles = (passwordPolicies?: unknown) => ({ profiles: { "fully-managed": { mode: "fully-managed", ...(passwordPolicies ? { passwordPolicies } : {}) } } });

describe("screen lock vs. password requirements", () => {
  it("orders locks as DevicePolicyManager's qualities, and the minimum length applies to PINs and passwords", () => {
    expect(lockMeets({ type: "none" }, { passwordQuality: "SOMETHING" })).toBe(false);
    expect(lockMeets({ type: "swipe" }, { passwordQuality: "SOMETHING" })).toBe(false);
    expect(lockMeets({ type: "pattern", length: 4 }, { passwordQuality: "SOMETHING", passwordMinimumLength: 6 })).toBe(true);
    expect(lockMeets({ type: "pattern", length: 9 }, { passwordQuality: "NUMERIC" })).toBe(false);
    expect(lockMeets({ type: "pin", length: 4 }, PIN6[0]!)).toBe(false);
    expect(lockMeets({ type: "pin", length: 6 }, PIN6[0]!)).toBe(true);
    expect(lockMeets({ type: "pin", length: 8 }, { passwordQuality: "ALPHANUMERIC" })).toBe(false);
    expect(lockMeets({ type: "password", length: 8 }, { passwordQuality: "ALPHANUMERIC", passwordMinimumLength: 8 })).toBe(true);
    // No modelled lock has symbols: COMPLEX is met by none.
    expect(lockMeets({ type: "password", length: 20 }, { passwordQuality: "COMPLEX" })).toBe(false);
    expect(passwordNonCompliance({ type: "none" }, [])).toEqual([]);
    expect(passwordNonCompliance({ type: "pin", length: 6 }, [{ passwordQuality: "SOMETHING" }, { passwordQuality: "ALPHABETIC" }])).toEqual([NOT_SUFFICIENT]);
  });

  it("reads the served requirements defensively and carries them in the status answer", () => {
    expect(readPasswordPolicies("junk")).toEqual([]);
    expect(readPasswordPolicies([null, 3, { passwordQuality: "NUMERIC", passwordMinimumLength: 1.5, extra: 1 }])).toEqual([{ passwordQuality: "NUMERIC" }]);
    expect(readStatusAck(JSON.stringify({ policyVersion: "1", passwordPolicies: PIN6 })).passwordPolicies).toEqual(PIN6);
    expect(readStatusAck(JSON.stringify({ policyVersion: "1" })).passwordPolicies).toEqual([]);
  });

  it("state screenLock is validated with a clear problem", () => {
    expect(stateProblem({ screenLock: { type: "pin", length: 6 } }, "android")).toBeUndefined();
    expect(stateProblem({ screenLock: { type: "face" } }, "android")?.expected).toContain("pin");
  });

  it("a device without a lock under a PIN policy enrolls and reports PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT", async () => {
    const { server, half } = await androidServer(profiles(PIN6));
    const out = await runAndroidFlow("android-qr", {}, server.handler, { state: { screenLock: { type: "none" } } });
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(out.result!.background).toEqual([
      expect.objectContaining({ code: "android.policy.password-not-sufficient", shown: expect.objectContaining({ code: "PASSWORD_POLICIES_PASSWORD_NOT_SUFFICIENT", text: "The device password does not satisfy password requirements." }) }),
    ]);
    expect([...half.amapi.devices.values()][0]).toMatchObject({ policyCompliant: false, nonComplianceDetails: [NOT_SUFFICIENT] });
  });

  it("a 6-digit PIN meets it; without requirements no lock is needed", async () => {
    for (const [android, state] of [
      [profiles(PIN6), { screenLock: { type: "pin", length: 6 } }],
      [profiles(), { screenLock: { type: "none" } }],
    ] as const) {
      const { server, half } = await androidServer(android);
      const out = await runAndroidFlow("android-qr", {}, server.handler, { state });
      expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
      expect(out.result!.background ?? []).toEqual([]);
      const dev = [...half.amapi.devices.values()][0]!;
      expect(dev.policyCompliant).toBe(true);
      expect(dev.nonComplianceDetails).toBeUndefined();
    }
  });

  it("the deprecated nonCompliant keeps its meaning: passwordPolicies USER_ACTION without any policy requirement", async () => {
    const { server, half } = await androidServer();
    expect((await runAndroidFlow("android-qr", { nonCompliant: true }, server.handler, { state: { screenLock: { type: "pin", length: 8 } } })).result).toMatchObject({ ok: true });
    expect([...half.amapi.devices.values()][0]).toMatchObject({ policyCompliant: false, nonComplianceDetails: [{ settingName: "passwordPolicies", nonComplianceReason: "USER_ACTION" }] });
  });

  it("shipped pair (loopback): no lock stays non-compliant at check-in; a PIN set by the timeline makes the next report compliant", async () => {
    const dir = join(import.meta.dirname, "../../../scenarios/failures");
    const opts = { keyPoolSize: 4, progress: false as const };
    const failing = (await runScenario(join(dir, "android-screen-lock-required-failing.yaml"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, enrolled: 2 });
    expect(failing.checkins).toMatchObject({ total: 2, failed: 2 });
    const fixed = (await runScenario(join(dir, "android-screen-lock-required-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, enrolled: 2 });
    expect(fixed.checkins).toMatchObject({ total: 2, failed: 0 });
  }, 180_000);
});
