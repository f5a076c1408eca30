// SPDX-License-Identifier: MIT
/** `shown` of a failed steady-state check-in (scenarios/README.md `expect.shown`, `expect.checkins`). */
import type { SimError } from "../errors/index.js";
import { shownForError } from "../device/shown-for.js";
import type { Shown } from "../device/shown.js";
/**
 * What a device records for a failed steady-state check-in: the platform's code for the error (the
 * NSURLErrorDomain code an Apple device's mdmclient logs, the WinHTTP HRESULT of a scheduled
 * OMA-DM sync), on the place it is recorded: a background check-in raises no alert. Android's
 * device policy app retries a failed check-in silently and publishes no code for it: none.
 */
export function steadyShown(platform: string, e: SimError, flow: string): Shown | undefined {
  const screen = STEADY_SCREEN[APPLE_PLATFORMS.has(platform) ? "apple" : platform];
  if (!screen) return undefined;
  // A scheduled sync, not the GPO enrollment task: no Event 76 (Windows' text does not depend on the flow, only its screen).
  const shown = shownForError(platform, { error: e, flow: platform === "windows" ? undefined : flow });
  return shown ? { ...shown, screen } : undefined;
}

const APPLE_PLATFORMS = new Set(["ios", "ipados", "macos", "tvos", "visionos"]);
const STEADY_SCREEN: Record<string, string> = {
  apple: "no alert: a background MDM check-in; the mdmclient log (Console) records the error",
  windows: "no alert: a scheduled MDM sync; Event Viewer › DeviceManagement-Enterprise-Diagnostics-Provider › Admin records the error",
};
