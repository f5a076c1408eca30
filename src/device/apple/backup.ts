// SPDX-License-Identifier: MIT
/**
 * Device state `backup`: the device was restored from a backup before the flow. A backup holds the
 * management profile and its identity only as device-bound items (keychain ThisDeviceOnly): restored
 * onto the same device they come back, so a backup taken while enrolled in another MDM brings that
 * MDM payload back and a new enrollment profile is refused with MCMDMErrorDomain 12002 (field failure
 * ios-restored-backup-other-mdm); restored onto a different device they do not, and the device enrolls
 * as a fresh one (keychain items marked ThisDeviceOnly are never restored onto another device).
 * The profile that comes back is put there by the same internals as a device still enrolled in
 * another MDM (prior-mdm.ts).
 */
import { decoded } from "../../protocol/common/context.js";
import { applyPriorMdm, enrolledMdm } from "./prior-mdm.js";
import type { AppleDevice } from "./state.js";

/** The management the device holds before the flow: a restored backup and/or an enrollment in another MDM. */
export function restoreBackup(dev: AppleDevice): void {
  const state = dev.ctx.identity.state;
  applyPriorMdm(dev);
  const b = state?.backup;
  if (!b) return;
  if (b.device === "same" && b.enrolledIn) {
    const still = enrolledMdm(state);
    decoded(dev.ctx.protocol, "device", { restoredBackup: { device: "same", managementRestored: still ? false : b.enrolledIn, ...(still ? { why: `the device is still enrolled in ${still}; that enrollment profile is the one on it` } : {}) } });
    return;
  }
  decoded(dev.ctx.protocol, "device", { restoredBackup: { device: b.device, managementRestored: false, why: b.device === "other" ? "device-bound profile and identity are not restored onto another device" : "the backup was not taken while enrolled" } });
}
