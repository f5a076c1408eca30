// SPDX-License-Identifier: MIT
/**
 * Activation Lock (device state `activationLock`): a device erased while Find My was on stays linked
 * to its owner's Apple Account. Setup Assistant activates the device before anything else, so it
 * stops at the Activation Lock pane, before Remote Management: no cloud configuration is fetched and
 * nothing reaches the MDM server. An organisation clears the lock with the device's bypass code,
 * which its MDM obtained (ActivationLockBypassCode) while the device was supervised; with
 * `bypassCode: escrowed` the activation accepts it and setup goes on.
 *
 * Not simulated: the exchange with Apple's activation server. The lock and the escrow are device
 * state; the pane text is the one Setup Assistant shows (Apple Platform Deployment: Activation Lock).
 */
import { decoded } from "../../protocol/common/context.js";
import type { AppleDevice } from "./state.js";

/** The Activation Lock pane text, or undefined when activation goes on. */
export function activationLockScreen(dev: AppleDevice): string | undefined {
  const lock = dev.ctx.identity.state?.activationLock;
  if (!lock?.enabled) return undefined;
  const escrowed = lock.bypassCode === "escrowed";
  decoded(dev.ctx.protocol, "ade.setup-assistant", { pane: "Activation Lock", bypassCode: escrowed ? "escrowed (the MDM's bypass code clears the lock)" : "none" });
  if (escrowed) return undefined;
  const kind = dev.osName === "macOS" ? "Mac" : (dev.ctx.identity.modelName ?? "iPhone");
  return `Activation Lock: This ${kind} is linked to an Apple Account. Enter the Apple Account and password that were used to set up this ${kind}. (Setup Assistant stops before Remote Management; no bypass code is escrowed)`;
}
