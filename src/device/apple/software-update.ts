// SPDX-License-Identifier: MIT
/**
 * Setup Assistant's enforced software update during Automated Device Enrollment (iOS/iPadOS 17,
 * macOS 14 and later). The device says in MachineInfo that it can be asked
 * (`MDM_CAN_REQUEST_SOFTWARE_UPDATE`, shared/apple-device-management other/machineinfo.yaml); a
 * server that wants a newer OS answers the enrollment request 403
 * `com.apple.softwareupdate.required` with `details.OSVersion` (+ `BuildVersion`)
 * (mdm/errors/softwareupdate.required.yaml). Setup Assistant then downloads and installs that
 * update, restarts and sends MachineInfo again (FileWave KB "Minimum OS version for enrolling Apple
 * devices via ADE").
 *
 * The update is step `ade.software-update`, so everything that acts on a step acts on it: the
 * timeline's `abandon`/`idle`/`reboot` (the user leaves the device at the update screen) and, against
 * the embedded server, faults on the download (a firewall that drops Apple's software-update hosts):
 * the embedded server stands in for Apple's update service at /apple/ade/softwareupdate, as it does
 * for the cloud configuration. Against a URL server there is no stand-in: the update installs
 * without a request.
 */
import { step } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import { compareVersions } from "../../wire/version.js";
import type { FlowContext } from "../flow.js";
import type { AppleDevice } from "./state.js";

/** First releases that can be asked for an update during enrollment (machineinfo.yaml MDM_CAN_REQUEST_SOFTWARE_UPDATE). */
const CAN_REQUEST: Record<string, string> = { iOS: "17.0", macOS: "14.0" };

/** Whether this device's OS sends MDM_CAN_REQUEST_SOFTWARE_UPDATE = true. */
export function canRequestSoftwareUpdate(dev: AppleDevice): boolean {
  const first = CAN_REQUEST[dev.osName];
  return first !== undefined && compareVersions(dev.osVersion, first) >= 0;
}

export const SOFTWARE_UPDATE_PATH = "/apple/ade/softwareupdate";

/**
 * Downloads and installs the update the server asked for (its OS is then `version`/`build`). The
 * download goes to the embedded stand-in when `standIn` is its base URL; a failure there ends the
 * flow with the transport error, where Setup Assistant stops.
 */
export async function installSoftwareUpdate(ctx: FlowContext, dev: AppleDevice, target: { version: string; build?: string }, standIn: string | undefined): Promise<void> {
  await step(ctx.protocol, "ade.software-update", async () => {
    if (standIn) {
      const q = new URLSearchParams({ product: ctx.identity.modelIdentifier ?? "", version: target.version, ...(target.build ? { build: target.build } : {}) });
      await exchange(ctx.protocol, "ade.software-update", { method: "GET", url: `${standIn}${SOFTWARE_UPDATE_PATH}?${q}`, headers: { accept: "application/json" } });
    }
    dev.osVersion = target.version.replace(/\s*\(.*\)$/, "");
    if (target.build) dev.buildVersion = target.build;
  });
}
