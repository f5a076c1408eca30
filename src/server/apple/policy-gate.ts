// SPDX-License-Identifier: MIT
/**
 * The Apple half's use of the policy engine (server/policy). Where each method meets the tenant rules
 * and what the device sees when one refuses it:
 *
 * - ADE (MachineInfo at the enrollment URL): corporate, OS range not enforced (§2.4), userless at this
 *   point (Default restriction only). A refusal is `403 {"code": …}` JSON, which Setup Assistant shows as
 *   the profile failing (device code `apple.ade.refused.<code>`). Apple's cloud configuration serves only
 *   the profile the server pushed while its ADE token was valid (policy/ade.ts).
 * - Account-driven enrollment (User Enrollment, device enrollment): the signed-in managed Apple ID is the
 *   user: restrictions and the per-user device limit apply; a User Enrollment profile overrides the
 *   personal block. `403 {"code": "DeviceCapReached" | "DeviceTypeNotSupported"}` (the Intune iOS
 *   troubleshooting names, shared/notes/field-failures.md).
 * - Profile (Company Portal / BYOD) enrollment: decided at the Authenticate check-in, where the server
 *   first learns serial, IMEI and OS; ownership from the corporate identifiers. A refusal is HTTP 403, which
 *   the device shows as "Profile Installation Failed. Connection to the server could not be established."
 */
import type { HttpResponse } from "../../ports/http.js";
import type { EnrollmentDecision, EnrollmentRequest } from "../policy/engine.js";
import type { PolicyPlatform } from "../policy/types.js";
import { json } from "./core.js";

/** macOS for Mac product names (Mac14,2, MacBookPro18,1, iMac21,1), iOS/iPadOS otherwise. */
export function applePlatform(product: unknown): PolicyPlatform {
  return typeof product === "string" && /^(Mac|iMac)/.test(product) ? "macos" : "ios";
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/** ADE: MachineInfo (UDID, SERIAL, PRODUCT, OS_VERSION, IMEI). */
export function adeRequest(mi: Record<string, unknown>): EnrollmentRequest {
  const serial = str(mi.SERIAL);
  return {
    platform: applePlatform(mi.PRODUCT),
    deviceKey: str(mi.UDID) ?? `serial:${serial ?? "unknown"}`,
    ...(str(mi.OS_VERSION) ? { osVersion: str(mi.OS_VERSION) } : {}),
    ...(serial ? { serial } : {}),
    ...(str(mi.UDID) ? { udid: str(mi.UDID) } : {}),
    ...(str(mi.IMEI) ? { imei: str(mi.IMEI) } : {}),
    ...(str(mi.PRODUCT) ? { model: str(mi.PRODUCT) } : {}),
    manufacturer: "Apple",
    methodOwnership: "corporate",
    countsTowardLimit: true,
    osRangeApplies: false,
    method: "ade",
  };
}

/** The 403 JSON an enrollment URL answers for a refusal. */
// A device-list refusal (device-lists.ts) has no Intune code of its own (Intune publishes no device deny list):
// it is answered as the restriction refusals are, DeviceTypeNotSupported, with "Device Not Approved" in the message.
export function refusalJson(d: Extract<EnrollmentDecision, { ok: false }>): HttpResponse {
  // A licence refusal (policy/licences.ts) is Intune's unlicensed-user code, as the account-driven sign-in answers it.
  const code = d.refusal === "device-limit" || d.refusal === "dem-limit" ? "DeviceCapReached" : d.refusal.startsWith("licence-") ? "UserLicenseTypeInvalid" : "DeviceTypeNotSupported";
  return json(403, { code, message: d.message, ...(d.policy ? { restriction: d.policy.name, priority: d.policy.priority } : {}) });
}
