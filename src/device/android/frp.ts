// SPDX-License-Identifier: MIT
/**
 * Factory Reset Protection (FRP), the Android analogue of Apple's Activation Lock (`state.activationLock`):
 * a gate of the setup wizard that acts before any provisioning trigger is honoured, as device state
 * (`state.factoryResetProtection`).
 *
 * A device on which a Google account was synced keeps that account's FRP after an UNTRUSTED factory reset
 * (recovery mode, hardware keys, flashing): once online, the setup wizard shows "Verify your account" and
 * nothing else (no skip, no QR, no zero-touch) until the previously synced account signs in. A TRUSTED reset
 * (Settings › System › Reset options, which first asks for the screen lock) removes the account and clears FRP.
 * Sources: Google, "Protect your device with Factory Reset Protection"
 * https://support.google.com/android/answer/9459346 ; Zebra, "Factory Reset Protection"
 * https://developer.zebra.com/blog/factory-reset-protection ; Android compatibility definition (CDD 9.9.x,
 * persistent data block) https://source.android.com/docs/compatibility/cdd .
 * FRP is part of Google Play services: a device without GMS has none.
 */
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import type { FlowResult } from "../flow.js";
import type { DeviceIdentity } from "../identity.js";

export const FRP_STEP = "android.setup.frp";

/** The screen's title and text as Android shows them (Google's FRP help page). */
export const FRP_SHOWN = {
  text: "Verify your account: This device was reset. To continue, sign in with a Google Account that was previously synced on this device.",
  screen: "setup wizard › Verify your account",
} as const;

export interface FrpState {
  reset: "untrusted" | "trusted";
  verify?: "previous-account" | "none";
}

/** Whether FRP holds this device at the setup wizard: an untrusted reset with a synced account, on a GMS device. */
export function frpActive(id: DeviceIdentity): boolean {
  const f = id.state?.factoryResetProtection as FrpState | undefined;
  return !!f && f.reset === "untrusted" && (id.android?.gms ?? true);
}

/**
 * The wizard's FRP gate, before provisioning. Undefined: the device goes on (no FRP, a trusted reset, or
 * the previous owner's account was entered); else the flow's end, at step android.setup.frp.
 */
export async function frpGate(ctx: ProtocolContext, id: DeviceIdentity): Promise<FlowResult | undefined> {
  const f = id.state?.factoryResetProtection as FrpState | undefined;
  if (!f) return undefined;
  const active = frpActive(id);
  const verified = active && f.verify === "previous-account";
  await step(ctx, FRP_STEP, async () =>
    decoded(ctx, FRP_STEP, {
      reset: f.reset,
      gms: id.android?.gms ?? true,
      frp: active ? "active" : "cleared",
      ...(active ? { screen: FRP_SHOWN.screen, verify: f.verify ?? "none" } : {}),
    }),
  );
  if (!active || verified) return undefined;
  return {
    ok: false,
    code: "android.setup.frp-locked",
    step: FRP_STEP,
    message: `Factory Reset Protection after an untrusted reset: the setup wizard waits for the previously synced Google account; provisioning cannot start`,
    shown: { ...FRP_SHOWN },
    keychain: { identities: [] },
  };
}
