// SPDX-License-Identifier: MIT
/**
 * An OS update of a running device (the timeline's `set: { state.os | state.osVersion | state.apiLevel }`): the device
 * installs the release, restarts into it and keeps its enrollment; from then on it reports the new release where the
 * protocol carries it (Apple DeviceInformation OSVersion/BuildVersion, check-in and DDM status; Windows DevDetail/SwV and
 * the capability table; Android the status report's softwareInfo and the API level its behaviour tables read), because
 * those read the identity when they answer. The same keys the group's `state:` pins at creation (identity.ts), on the
 * same platforms: `os` on Apple, `osVersion` on Windows, `apiLevel` on Android.
 *
 * A device never installs an older release than it runs (an iPhone, a PC, a phone cannot be downgraded by an update;
 * that takes an erase and restore): the scenario check refuses a downgrade of a pinned release at load, and a device
 * whose release was picked newer than the target keeps its release (`"older"`).
 */
import { windowsRelease, type DeviceIdentity } from "./identity.js";
import { compareVersions } from "../wire/version.js";
import { androidReleaseName } from "../wire/android/release-names.js";

/** State keys that are the device's OS release: setting one mid-run is an OS update. */
export const OS_RELEASE_KEYS: ReadonlySet<string> = new Set(["os", "osVersion", "apiLevel"]);

export type OsUpdateResult = "updated" | "same" | "older" | "not-this-platform";

const apple = (id: DeviceIdentity) => id.platform !== "windows" && id.platform !== "android";

/** The release a state key names, as a comparable version (undefined: the key is not this platform's release). */
export function releaseOf(platform: string, key: string, value: unknown): string | undefined {
  if (key === "os" && platform !== "windows" && platform !== "android") return (value as { version?: string } | null)?.version;
  if (key === "osVersion" && platform === "windows") return typeof value === "string" ? value : undefined;
  if (key === "apiLevel" && platform === "android") return typeof value === "number" ? String(value) : undefined;
  return undefined;
}

/** The release `identity` runs now, in the form `releaseOf` gives for `key`. */
export function currentRelease(identity: DeviceIdentity, key: string): string {
  return key === "apiLevel" ? String(identity.android?.apiLevel ?? identity.os.apiLevel ?? 0) : identity.os.version;
}

/** Installs the release `state.<key> = value` names on the device (a new os object: the catalog's is shared). */
export function updateOs(identity: DeviceIdentity, key: string, value: unknown): OsUpdateResult {
  const target = releaseOf(identity.platform, key, value);
  if (target === undefined) return "not-this-platform";
  const cmp = compareVersions(target, currentRelease(identity, key));
  if (cmp < 0) return "older";
  if (key === "os" && apple(identity)) {
    const os = value as { version: string; build: string };
    if (cmp === 0 && os.build === identity.os.build) return "same";
    identity.os = { version: os.version, build: os.build };
  } else if (key === "osVersion") {
    if (cmp === 0) return "same";
    // As identity.ts reads state.osVersion: 10.0.<build>.<UBR>, the OS build is <build>.<UBR>, and the display version
    // is the build table's (a 24H2 PC updated to 26200 is 25H2; it used to lose its display version here).
    identity.os = windowsRelease(target, identity.windows?.builds ?? []);
  } else {
    if (cmp === 0) return "same";
    identity.android!.apiLevel = Number(target);
    // The release name follows the API level (it is what the device reports as its Android version: device-info.ts
    // androidVersion, the KeyDescription's osVersion); the build id of a release the catalog does not list is not known
    // and stays the one the device started with.
    identity.os = { ...identity.os, version: androidReleaseName(Number(target)) ?? identity.os.version, apiLevel: Number(target) };
  }
  return "updated";
}
