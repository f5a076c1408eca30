// SPDX-License-Identifier: MIT
/**
 * The Intune service's answer to an enrolled Android device's status check (the Company Portal's "Check device
 * settings", the Microsoft Intune app's "Device settings status"): the tenant's compliance policies evaluated against
 * what the device reported (server/policy/compliance.ts; Android's patch level and integrity arrive with its AMAPI
 * status reports, amapi.ts). The device↔Intune wire is not published; enrollsim's stand-in is:
 *
 *   GET /android/intune/compliance?device=enterprises/{e}/devices/{d}
 *     → 200 {state: compliant | in-grace | noncompliant | not-evaluated, policies: [{policy, state, failing[], markAt?}]}
 *   GET /android/intune/compliance?serial=SERIAL   (an enrolled device's steady-state check: its latest enrollment)
 *     → 404 {error} for a device the service does not hold
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { FakeAmapi } from "./amapi.js";
import { jsonRes } from "./respond.js";

export const INTUNE_COMPLIANCE_PATH = "/intune/compliance";

export function intuneCompliance(req: HttpRequest, url: URL, amapi: FakeAmapi, policy: PolicyEngine): HttpResponse {
  if (req.method !== "GET") return jsonRes(405, { error: "GET only" }, { allow: "GET" });
  const serial = url.searchParams.get("serial");
  const name = (serial ? amapi.nameForSerial(serial.slice(0, 100)) : url.searchParams.get("device")) ?? "";
  if (!/^enterprises\/[\w-]{1,64}\/devices\/[\w-]{1,64}$/.test(name) || !amapi.devices.has(name)) return jsonRes(404, { error: "device not found" });
  const c = policy.compliance(`amapi:${name.slice(name.lastIndexOf("/") + 1)}`);
  return jsonRes(200, {
    state: c.state,
    policies: c.results.map((r) => ({ policy: r.policy, state: r.state, failing: r.failing, ...(r.markAt !== undefined ? { markAt: new Date(r.markAt).toISOString() } : {}) })),
  });
}
