// SPDX-License-Identifier: MIT
/**
 * Scenario keys that were removed because they produced one outcome for one scenario (issue 10: "a
 * knob that exists for one scenario only is a defect"). A file that still uses one gets an error at
 * the key saying what replaced it, instead of a bare "unknown property". Checked before the schema.
 * Add a row when a knob is removed; the replacement must be expressible with general mechanisms
 * (device `state:`, `embedded.policy`, `faults:`, `timeline:`).
 */
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import { APPLE_REMOVED_KEYS } from "./platforms/apple.js";
import { WINDOWS_REMOVED_KEYS } from "./platforms/windows.js";

export interface RemovedKey {
  /** Path from the scenario root; "*" matches any list index or mapping key. */
  path: readonly string[];
  /** What to write instead (shown after "replaced by"). */
  replacedBy: string;
}

export const REMOVED_KEYS: readonly RemovedKey[] = [
  {
    path: ["groups", "*", "options", "android", "device", "rebootMidEnrollment"],
    replacedBy: "a timeline reboot, e.g. `timeline: [{ at: 0s, group: NAME, reboot: { step: android.provision.compliance } }]` (the device restarts after the owner is set: android.provision.interrupted)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "offline"],
    replacedBy: "a timeline offline on every platform, e.g. `timeline: [{ at: 0s, group: NAME, offline: {} }]` (the device has no network from the start; `for:` brings it back)",
  },
  {
    path: ["embedded", "android", "profiles", "*", "token", "issuedSecondsAgo"],
    replacedBy: "time passing: a token with its lifetime (token.durationSeconds) and a timeline skip past it, e.g. `timeline: [{ at: 0s, skip: 2d }]` with limits.durationSeconds beyond it, or `timeline: [{ at: 0s, expire: enrollment-tokens }]`",
  },
  {
    path: ["embedded", "android", "profiles", "*", "token", "revoked"],
    replacedBy: "a timeline revoke (the admin revokes the tokens), e.g. `timeline: [{ at: 0s, revoke: enrollment-tokens }]`",
  },
  {
    path: ["embedded", "android", "headwind", "adminActions"],
    replacedBy:
      "timeline admin actions on the devices, e.g. `timeline: [{ after: { enrolled: 4 }, group: NAME, wipe: {} }, { after: { enrolled: 4 }, group: OTHER, deleteRecords: {} }]` (a wipe keeps the record Pending and pushes factoryReset; a delete removes it, the agent learns it at its next check-in)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "wifi"],
    replacedBy: "device state: `state: { wifiInRange: { ssid, securityType, password } }` (the network in range; also in a catalog entry's state)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "blockInstall"],
    replacedBy: "device state: `state: { playProtectBlocks: [com.google.android.apps.work.clouddpc] }` (the packages Play Protect refuses to install)",
  },
  {
    path: ["groups", "*", "options", "android", "device", "qrScannerMaxBytes"],
    replacedBy: "device state: `state: { qrScannerMaxBytes: 1200 }`",
  },
  {
    path: ["groups", "*", "options", "android", "device", "companyPortalVersion"],
    replacedBy: 'device state: `state: { companyPortalVersion: "5.0.4700.0" }` (or none)',
  },
  {
    path: ["embedded", "android", "restrictions", "workProfile"],
    replacedBy:
      'embedded.policy.restrictions.platform.androidWorkProfile (the tenant\'s platform restriction), e.g. `embedded: { policy: { restrictions: { platform: { androidWorkProfile: { allowed: true, minOs: "9.0", maxOs: "13.0" } } } } }` (OS versions are Android releases; API 28 = 9.0, 33 = 13.0)',
  },
  {
    path: ["embedded", "android", "restrictions", "deviceAdmin"],
    replacedBy:
      'embedded.policy.restrictions.platform.androidDeviceAdmin (the tenant\'s platform restriction), e.g. `embedded: { policy: { restrictions: { platform: { androidDeviceAdmin: { allowed: true, maxOs: "13.0" } } } } }` (OS versions are Android releases)',
  },
  {
    path: ["embedded", "android", "conditionalAccess"],
    replacedBy:
      "embedded.policy.conditionalAccess (the tenant's conditional access), `embedded: { policy: { conditionalAccess: { requireCompliantDevice: true, excludeApps: [intune-enrollment] } } }` (excludeApps lists the enrollment app when it is excluded)",
  },
  {
    path: ["embedded", "android", "headwind", "unenrollKeepsRecord"],
    replacedBy:
      'a fault that answers the agent\'s unenroll in the server\'s place, so the server never removes the record: `faults: [{ name: unenroll not processed, match: { step: android.da.unenroll }, status: { code: 200, body: \'{"status":"OK","message":null}\' } }]`',
  },
  ...WINDOWS_REMOVED_KEYS,
  ...APPLE_REMOVED_KEYS,
];

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null;

/** Every use of a removed key in `data`, as issues at the key. */
export function removedKeyIssues(data: unknown, table: readonly RemovedKey[] = REMOVED_KEYS): Issue[] {
  const out: Issue[] = [];
  for (const r of table) {
    const walk = (v: unknown, i: number, at: (string | number)[]): void => {
      if (!isObj(v)) return;
      const seg = r.path[i]!;
      const last = i === r.path.length - 1;
      const keys: (string | number)[] = seg === "*" ? (Array.isArray(v) ? v.map((_, k) => k) : Object.keys(v)) : Array.isArray(v) ? [] : [seg];
      for (const k of keys) {
        if (!(k in v)) continue;
        const here = [...at, k];
        if (last) {
          out.push({ path: here, anchor: "key", message: `${formatPath(here)} was removed; it is replaced by ${r.replacedBy}`, expected: r.replacedBy, rank: 0 });
        } else walk((v as Raw)[k as string], i + 1, here);
      }
    };
    walk(data, 0, []);
  }
  return out;
}
