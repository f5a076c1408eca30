// SPDX-License-Identifier: MIT
/**
 * An MDM enrollment the device holds before the flow: another server's enrollment profile (its MDM
 * payload) is installed. Two kinds of device state put it there, through the same internals:
 * - `state.mdmEnrollments: [{serverUrl}]`: the device is still enrolled in that MDM (never removed);
 * - `state.backup: {device: same, enrolledIn}`: a backup taken while enrolled there was restored onto
 *   the same device, and its device-bound management profile came back (backup.ts).
 * "There can be only one enrollment profile on a device at a time" (Apple, MDM settings for IT: "MDM
 * overview for Apple devices", support.apple.com/guide/mdm/mdmbf9e668). So a new enrollment profile,
 * whether downloaded (profile flows) or delivered by an account-driven enrollment, is refused at
 * profile.install by the existing install rule (protocol/apple/install.ts: an MDM payload while
 * another profile's MDM payload is installed → MCInstallationErrorDomain 4000 / MCMDMErrorDomain
 * 12002 "The new MDM payload doesn't match the old payload.", field-failures
 * ios-restored-backup-other-mdm). A device still enrolled was set up, so Automated Device Enrollment
 * never reaches it without an erase (flows.ts, the activated check). The fix is removing the old
 * profile before enrolling: the state without it (`mdmEnrollments: []`).
 */
import { decoded } from "../../protocol/common/context.js";
import type { DeviceState } from "../state.js";
import type { AppleDevice } from "./state.js";

/** A device holds at most one MDM enrollment (the quote above). */
export const MAX_MDM_ENROLLMENTS = 1;

/** Where the prior enrollment comes from: still enrolled, or restored with a backup onto the same device. */
export type PriorMdmSource = "enrolled" | "restored-backup";

/** The MDM the device is still enrolled in (state.mdmEnrollments), if any. */
export function enrolledMdm(state: DeviceState | undefined): string | undefined {
  return state?.mdmEnrollments?.[0]?.serverUrl;
}

/** The other MDM whose enrollment profile is on the device before the flow, and why it is there. */
export function priorMdm(state: DeviceState | undefined): { serverUrl: string; source: PriorMdmSource } | undefined {
  const still = enrolledMdm(state);
  if (still) return { serverUrl: still, source: "enrolled" };
  const b = state?.backup;
  return b?.device === "same" && b.enrolledIn ? { serverUrl: b.enrolledIn, source: "restored-backup" } : undefined;
}

/**
 * Installs the other MDM's enrollment profile (its MDM payload naming serverUrl as ServerURL and
 * CheckInURL) in the device's profile store, as a managed profile.
 */
export function installOtherMdmProfile(dev: AppleDevice, serverURL: string, source: PriorMdmSource): void {
  const id = source === "enrolled" ? "prior.mdm" : "restored.mdm";
  const raw = { PayloadType: "Configuration", PayloadIdentifier: id, PayloadUUID: `${id}-0` };
  dev.store.profiles.set(id, {
    profile: {
      identifier: id,
      uuid: `${id}-0`,
      version: 1,
      removalDisallowed: false,
      raw,
      payloads: [
        {
          kind: "mdm",
          type: "com.apple.mdm",
          identifier: `${id}.payload`,
          uuid: `${id}-1`,
          version: 1,
          raw: {},
          identityCertificateUUID: `${id}-2`,
          topic: `com.apple.mgmt.External.${id}`,
          serverURL,
          checkInURL: serverURL,
          signMessage: false,
          accessRights: 8191,
          checkOutWhenRemoved: false,
          serverCapabilities: [],
        },
      ],
    },
    signature: "unsigned",
    installedAt: 0,
    managed: true,
  });
}

/** Puts the prior enrollment (if the state has one) on the device before a profile or account-driven flow. */
export function applyPriorMdm(dev: AppleDevice): void {
  const prior = priorMdm(dev.ctx.identity.state);
  if (!prior) return;
  installOtherMdmProfile(dev, prior.serverUrl, prior.source);
  if (prior.source === "enrolled") decoded(dev.ctx.protocol, "device", { mdmEnrollment: { serverUrl: prior.serverUrl, profile: "installed before the flow" } });
}
