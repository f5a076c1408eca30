// SPDX-License-Identifier: MIT
/**
 * Small pieces of the ESP model that the enrollment behaviour hooks in (kept out of enrollment.ts):
 * - ESP in Settings ("Add work or school account") enrollments: it runs when the server set FirstSyncStatus
 *   after the first session; in that flow ESP also waits for the Entra device registration to be reported,
 *   which builds before 1903 (18362) never do there (field failure win-esp-add-work-account-pre1903; Intune
 *   docs, ESP known issues);
 * - FirstSyncStatus/IsSyncDone, false while ESP runs and true when it finished (a server reads it).
 */
import type { CspTree } from "./csp.js";
import type { TrackedItem } from "./esp.js";

/** First build whose Add-work-account flow reports the registration to ESP (Windows 10 1903). */
export const ESP_REGISTRATION_REPORTED_FROM_BUILD = 18362;

export const REGISTRATION_ITEM = "Entra device registration";

const build = (version: string): number => Number(version.split(".")[2] ?? "0");

const fss = (providerId: string) => `./Device/Vendor/MSFT/DMClient/Provider/${providerId}/FirstSyncStatus`;

/** The server set an ESP up (any FirstSyncStatus node). */
export function espConfigured(tree: CspTree, providerId: string): boolean {
  const prefix = `${fss(providerId)}/`;
  for (const k of tree.nodes.keys()) if (k.startsWith(prefix) && !k.endsWith("/IsSyncDone")) return true;
  return false;
}

export function setSyncDone(tree: CspTree, providerId: string, done: boolean): void {
  tree.nodes.set(`${fss(providerId)}/IsSyncDone`, { value: done ? "true" : "false", format: "bool" });
}

/**
 * The registration item ESP tracks in an Add-work-account enrollment (device phase). Done when the
 * device was registered with the directory and the build reports it to ESP; on older builds it stays pending.
 */
export function registrationItem(osVersion: string, registered: boolean): TrackedItem {
  const reported = registered && build(osVersion) >= ESP_REGISTRATION_REPORTED_FROM_BUILD;
  return {
    kind: "registration",
    id: REGISTRATION_ITEM,
    scope: "device",
    state: reported ? "done" : "pending",
    ...(reported
      ? {}
      : { detail: registered ? `Windows ${osVersion} (before 1903) never reports the registration to ESP in the Add work or school account flow` : "the device was not registered" }),
  };
}
