// SPDX-License-Identifier: MIT
/** What every stage of an Apple enrollment shares: the user agents, the keychain as a flow result, and failure results. */
import type { DurableValue } from "../../ports/checkpoint.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import { describeAppleError, type AppleError } from "../../wire/apple/errors.js";
import type { FlowResult } from "../flow.js";
import type { Shown } from "../shown.js";
import { appleShownForChain } from "./shown.js";
import { rootEntries } from "./profile-trust.js";
import type { AppleDevice } from "./state.js";

export const IOS_UA = "profiled/1.0 CFNetwork/1496.0.7 Darwin/23.5.0";
export const MACOS_UA = "mdmclient/1.0 CFNetwork/1494.0.7 Darwin/23.4.0 (arm64)";

/**
 * The Darwin release of an OS release, as the system daemons' User-Agent carries it (Darwin's release table,
 * en.wikipedia.org/wiki/Darwin_(operating_system)): iOS N → N + 6 (iOS 17 → Darwin 23), macOS 11+ N → N + 9,
 * macOS 10.x → x + 4 (10.12 → 16); the 26 releases → 25. The CFNetwork build stays the one above (an assumption).
 */
export function darwinMajor(os: "iOS" | "macOS", version: string): number {
  const [major, minor] = version.split(".").map(Number) as [number, number?];
  if (major >= 26) return 25;
  if (os === "iOS") return major + 6;
  return major === 10 ? (minor ?? 0) + 4 : major + 9;
}

export const userAgent = (dev: AppleDevice): string => {
  // The minor follows the OS minor on iOS and macOS 11+ (17.5 → 23.5.0); on 10.x it is left at 0 (not tabulated here).
  const minor = dev.osName === "macOS" && dev.osVersion.startsWith("10.") ? 0 : Number(dev.osVersion.split(".")[1]) || 0;
  const darwin = `Darwin/${darwinMajor(dev.osName, dev.osVersion)}.${minor}.0`;
  return (dev.osName === "macOS" ? MACOS_UA : IOS_UA).replace(/Darwin\/[\d.]+/, darwin);
};

/** Keychain label of an identity; the MDM identity's label also carries its binding (`#mdm&server=…&sign=0|1…`). */
export const MDM_LABEL_MARK = "#mdm&";
export const labelOf = (dev: AppleDevice, uuid: string): string => (dev.mdmBinding?.uuid === uuid ? `apple:${uuid}${MDM_LABEL_MARK}${new URLSearchParams(dev.mdmBinding.params).toString()}` : `apple:${uuid}`);

export const keychainOf = (dev: AppleDevice): FlowResult["keychain"] => ({
  identities: [...dev.store.identities.values()].map((i) => ({ label: labelOf(dev, i.payloadUuid), certificate: i.certificate, key: i.key, chain: i.chain })),
  ...(dev.store.anchors.length ? { roots: rootEntries(dev) } : {}),
});

export const fail = (dev: AppleDevice, code: string, stepName: string, message: string, shown?: Shown): FlowResult => ({ ok: false, code, step: stepName, message, ...(shown ? { shown } : {}), keychain: keychainOf(dev) });
export const refused = (dev: AppleDevice, e: AppleError, stepName: string): FlowResult => {
  const r = fail(dev, e.symptom, stepName, describeAppleError(e), appleShownForChain(e, stepName, undefined, dev.osName));
  // An app's own alert (Safari's, devices/profile-installers/*.yaml) names its own screen.
  return e.alert ? { ...r, ownScreen: true } : r;
};

export interface EnrollMode {
  ade: boolean;
  awaitConfiguration: boolean;
  /** ADE `is_mdm_removable`: false → the user cannot remove the MDM profile. */
  removable?: boolean;
  extraAnchors?: Certificate[];
  /** How the profile reached the device when neither ADE nor account-driven (profile-trust.ts). Default: manual (the user installs it in Settings). */
  channel?: "manual" | "configurator";
  /** A script installs the profile (`profiles install`, macOS 10.15 and earlier): no consent dialog. */
  silent?: boolean;
  /** Account-driven enrollment: the EnrollmentMode the profile must carry. */
  account?: "BYOD" | "ADDE";
  /** Account-driven enrollment: Authorization: Bearer on every MDM request. */
  bearer?: string;
  /** Account-driven enrollment with the form driver: the sign-in URL (kept to re-authenticate at check-in). */
  authUrl?: string;
  /** Account-driven enrollment: re-authenticate after a mid-session 401 Bearer challenge (account-auth.ts). */
  reauth?: (wwwAuthenticate: string, requestUrl: string) => Promise<string | undefined>;
  /** What the flow needs after the MDM stage (ADE: cloud configuration), kept in its checkpoints for a resumed run. */
  flow?: Record<string, DurableValue>;
}
