// SPDX-License-Identifier: MIT
/**
 * Old per-platform fault knobs that are pure HTTP shapes, compiled to `faults:` entries
 * (scenarios/README.md "Faults" → "Aliases"): the server no longer acts on them, the fault layer
 * under the devices does, exactly as a `faults:` entry would. Knobs that change what the server
 * decides or holds (a command queue answered as HTML only while commands wait, a profile without
 * an anchor, a malformed AMAPI policy, …) are not wire faults and stay with the server.
 */
import type { FaultSpec, ResolvedFault } from "../faults/vocabulary.js";
import type { Scenario } from "./types.js";

/** `embedded.apple.fault` values that are HTTP answers to the check-in endpoint. */
const APPLE: Record<string, FaultSpec> = {
  // Every check-in message but Authenticate and CheckOut is answered 401.
  "checkin-401": { match: { platform: "apple", method: "PUT", url: "*/apple/checkin", step: "/^(?!checkin\\.(authenticate|checkout)$)/" }, mdmStatus: 401 },
  // Each device's first Authenticate is answered 500 (the server's enrollment state is not ready yet).
  "first-authenticate-500": { match: { platform: "apple", step: "checkin.authenticate", nth: 1 }, mdmStatus: 500 },
};

/**
 * `embedded.scep.fault` values that only change how the CertRep travels (every PKIOperation
 * answer); the others (unknown-signer, cert-for-other-key, wrong nonces) need the CA's key or
 * its transaction state and stay with the CA.
 */
const PKI_OPERATION = "*operation=PKIOperation*";
const SCEP: Record<string, FaultSpec> = {
  "wrong-content-type": { match: { url: PKI_OPERATION }, contentType: { value: "text/html; charset=utf-8" } },
  truncated: { match: { url: PKI_OPERATION }, truncate: { ratio: 0.5 } },
  "not-pkcs7": { match: { url: PKI_OPERATION }, status: { code: 200, headers: { "content-type": "application/x-pki-message" }, body: "<html><body>SCEP service unavailable</body></html>" } },
};

/** `embedded.android.amapi.fault` / `.headwind.fault` values that are the same answer on every device request. */
const AMAPI: Record<string, FaultSpec> = { stall: { match: { platform: "android", url: "*/android/amapi/device/v1/*" }, noAnswer: true } };
const HEADWIND: Record<string, FaultSpec> = {
  stall: { match: { platform: "android", url: "*/android/hmdm/rest/*" }, noAnswer: true },
  malformed: { match: { platform: "android", url: "*/android/hmdm/rest/*" }, status: { code: 200, headers: { "content-type": "application/json" }, body: '{"status":"MAYBE","data":"["}' } },
  // Each device's first configuration re-read (a GET, after the enrolling POST) is answered 404 once.
  "transient-404": {
    match: { platform: "android", method: "GET", url: "*/android/hmdm/rest/public/sync/configuration/*", nth: 1 },
    status: { code: 404, headers: { "content-type": "application/json" }, body: '{"status":"ERROR","message":"error.notfound"}' },
  },
};

/**
 * `embedded.android.profiles.<name>.fault` values that only change how the DPC APK travels to the
 * devices of that profile (its download URL carries `?profile=<name>`): half the bytes, or a redirect
 * to another host. The others (checksums, components, extras, a different or corrupt APK) are what
 * the server holds or puts in the payload and stay with it.
 */
const apkUrl = (profile: string) => `*/android/apk/*profile=${profile}`;
const APK: Record<string, (profile: string) => FaultSpec> = {
  "apk-truncated": (profile) => ({ match: { platform: "android", url: apkUrl(profile) }, truncate: { ratio: 0.5 } }),
  "apk-redirect-off-host": (profile) => ({ match: { platform: "android", url: apkUrl(profile) }, redirect: { location: "https://downloads.example.net/dpc.apk", status: 302 } }),
};

/** Whether a provisioning profile's `fault` is an aliased APK wire fault (the server then serves the APK as it is). */
export const isAliasedApkFault = (fault: unknown): boolean => typeof fault === "string" && fault in APK;

/** `embedded.windows.fault.step` → the device step whose request gets the SOAP fault. */
const WINDOWS_STEPS: Record<string, string> = { discovery: "discovery.post", policy: "policy.getpolicies", enroll: "enroll.rst" };

/** Whether `embedded.<platform>.fault` is one of the aliased knobs (the server then leaves it alone). */
export function isAliasedKnob(platform: "apple" | "windows" | "scep" | "amapi" | "headwind", fault: unknown): boolean {
  if (platform === "amapi") return typeof fault === "string" && fault in AMAPI;
  if (platform === "headwind") return typeof fault === "string" && fault in HEADWIND;
  if (platform === "scep") return typeof fault === "string" && fault in SCEP;
  if (platform === "apple") return typeof fault === "string" && fault in APPLE;
  return typeof fault === "object" && fault !== null && (fault as { step?: string }).step! in WINDOWS_STEPS;
}

export function faultAliases(s: Scenario): ResolvedFault[] {
  const out: ResolvedFault[] = [];
  const scep = s.embedded?.scep?.fault;
  if (scep !== undefined && isAliasedKnob("scep", scep)) out.push({ ...SCEP[scep]!, name: `scep-${scep}`, origin: `embedded.scep.fault (${scep})` });
  const android = s.embedded?.android as { amapi?: { fault?: string }; headwind?: { fault?: string } } | undefined;
  const amapi = android?.amapi?.fault;
  if (amapi !== undefined && isAliasedKnob("amapi", amapi)) out.push({ ...AMAPI[amapi]!, name: `amapi-${amapi}`, origin: `embedded.android.amapi.fault (${amapi})` });
  const headwind = android?.headwind?.fault;
  if (headwind !== undefined && isAliasedKnob("headwind", headwind)) out.push({ ...HEADWIND[headwind]!, name: `headwind-${headwind}`, origin: `embedded.android.headwind.fault (${headwind})` });
  const profiles = (s.embedded?.android as { profiles?: Record<string, { fault?: string }> } | undefined)?.profiles ?? {};
  for (const [name, p] of Object.entries(profiles)) {
    if (p.fault !== undefined && isAliasedApkFault(p.fault)) out.push({ ...APK[p.fault]!(name), name: `android-${p.fault}`, origin: `embedded.android.profiles.${name}.fault (${p.fault})` });
  }
  const apple = (s.embedded?.apple as { fault?: string } | undefined)?.fault;
  if (apple !== undefined && isAliasedKnob("apple", apple)) {
    out.push({ ...APPLE[apple]!, name: apple, origin: `embedded.apple.fault (${apple})` });
  }
  const win = (s.embedded?.windows as { fault?: { step: string; subcode: string; errorType?: string; message?: string } } | undefined)?.fault;
  if (win !== undefined && isAliasedKnob("windows", win)) {
    out.push({
      match: { platform: "windows", step: WINDOWS_STEPS[win.step]! },
      soapFault: { subcode: win.subcode, reason: win.message ?? win.errorType ?? win.subcode, ...(win.errorType ? { type: win.errorType } : {}), ...(win.message ? { message: win.message } : {}) },
      name: `windows-${win.step}-fault`,
      origin: `embedded.windows.fault (step ${win.step})`,
    });
  }
  return out;
}
