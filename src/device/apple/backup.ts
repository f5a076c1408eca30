// SPDX-License-Identifier: MIT
/**
 * Device state `backup`: the device was restored from a backup before the flow. A backup holds the
 * management profile and its identity only as device-bound items (keychain ThisDeviceOnly): restored
 * onto the same device they come back, so a backup taken while enrolled in another MDM brings that
 * MDM payload back and a new enrollment profile is refused with MCMDMErrorDomain 12002 (field failure
 * ios-restored-backup-other-mdm); restored onto a different device they do not, and the device enrolls
 * as a fresh one (keychain items marked ThisDeviceOnly are never restored onto another device).
 */
import { decoded } from "../../protocol/common/context.js";
import type { AppleDevice } from "./state.js";

export function restoreBackup(dev: AppleDevice): void {
  const b = dev.ctx.identity.state?.backup;
  if (!b) return;
  if (b.device === "same" && b.enrolledIn) {
    dev.restoreBackupFrom(b.enrolledIn);
    decoded(dev.ctx.protocol, "device", { restoredBackup: { device: "same", managementRestored: b.enrolledIn } });
    return;
  }
  decoded(dev.ctx.protocol, "device", { restoredBackup: { device: b.device, managementRestored: false, why: b.device === "other" ? "device-bound profile and identity are not restored onto another device" : "the backup was not taken while enrolled" } });
}
