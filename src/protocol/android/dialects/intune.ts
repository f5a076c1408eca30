// SPDX-License-Identifier: MIT
/**
 * Intune on Android Enterprise: Android Device Policy enrolls over AMAPI (./amapi.ts), then Intune's own app — the
 * Company Portal in a personally owned work profile, the Microsoft Intune app on fully managed, dedicated and
 * corporate-owned work profile devices — checks the device's compliance with the tenant's policies (Microsoft Learn,
 * "Check compliance on your Android device": Check device settings → Compliant or Not in Compliance; "Check compliance
 * status in Microsoft Intune app": Compliant / This device will soon be unable to access company resources /
 * Noncompliant). The app↔Intune wire is not published: enrollsim's stand-in is GET {android}/intune/compliance
 * (server/android/intune-compliance.ts).
 */
import { ProtocolViolationError } from "../../../errors/index.js";
import { decoded, step } from "../../common/context.js";
import { exchange } from "../../common/exchange.js";
import { amapiDialect } from "./amapi.js";
import type { AndroidDialect, DialectInput, DialectOutcome } from "./types.js";

export const INTUNE_COMPLIANCE_STEP = "android.intune.compliance";
const STATES = new Set(["compliant", "in-grace", "noncompliant", "not-evaluated"]);

async function complianceCheck(input: Pick<DialectInput, "ctx" | "options">, query: { device: string } | { serial: string }): Promise<NonNullable<DialectOutcome["compliance"]>> {
  const { ctx, options } = input;
  const base = options.amapiUrl!.replace(/\/$/, "");
  const url = new URL(`../intune/compliance?${new URLSearchParams(query).toString()}`, `${base}/`).toString();
  return step(ctx, INTUNE_COMPLIANCE_STEP, async () => {
    const res = await exchange(ctx, INTUNE_COMPLIANCE_STEP, { method: "GET", url, headers: { accept: "application/json" } });
    let v: { state?: unknown; policies?: unknown };
    try {
      v = JSON.parse(Buffer.from(res.body.subarray(0, 65536)).toString("utf8")) as typeof v;
    } catch {
      throw new ProtocolViolationError("android.intune.malformed", "the compliance answer is not JSON");
    }
    if (typeof v !== "object" || v === null || typeof v.state !== "string" || !STATES.has(v.state)) throw new ProtocolViolationError("android.intune.malformed", "the compliance answer has no known state");
    const policies = Array.isArray(v.policies) ? v.policies.slice(0, 20) : [];
    const failing = policies.flatMap((p) => (typeof p === "object" && p !== null && Array.isArray((p as { failing?: unknown }).failing) ? ((p as { failing: unknown[] }).failing.filter((f) => typeof f === "string").slice(0, 20) as string[]) : []));
    const out = { state: v.state as NonNullable<DialectOutcome["compliance"]>["state"], failing: failing.map((f) => f.slice(0, 300)) };
    decoded(ctx, INTUNE_COMPLIANCE_STEP, { ...query, ...out });
    return out;
  });
}

export const intuneDialect: AndroidDialect = {
  ...amapiDialect,
  name: "intune",
  description: "Intune on Android Enterprise: Android Device Policy over AMAPI, then the Company Portal / Microsoft Intune app checks the device's compliance with the tenant's policies",
  packages: [],
  async enroll(input) {
    const out = await amapiDialect.enroll(input);
    if (!out.ok || !out.deviceName) return out;
    return { ...out, compliance: await complianceCheck(input, { device: out.deviceName }) };
  },
  /**
   * Steady state: the AMAPI status report (with the device's integrity), then the Intune app's status check. A device
   * that has become noncompliant since (a policy changed, time passed its grace period or its patch's year) is a
   * failed check-in: android.compliance.noncompliant, with the failing settings.
   */
  async checkin(input) {
    const r = await amapiDialect.checkin!(input);
    if (!r.ok) return r;
    const c = await complianceCheck(input, { serial: input.device.serialNumber });
    if (c.state !== "noncompliant") return { ...r, compliance: c };
    return { ok: false, code: "android.compliance.noncompliant", step: INTUNE_COMPLIANCE_STEP, message: `Noncompliant: ${c.failing.join("; ")}`, compliance: c };
  },
};
