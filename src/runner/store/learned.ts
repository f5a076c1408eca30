// SPDX-License-Identifier: MIT
/**
 * What a steady-state check-in taught a device that a resumed run must keep: its keychain, and the
 * settings it keeps in force between sessions (Windows Policy CSP values, `appliedSettings`, which a
 * check-in replaces; device/windows/checkin.ts). An Apple
 * device whose server renewed its MDM identity (InstallProfile of an updated enrollment profile,
 * `embedded.apple.identityRenewal`; device/apple/mdm-update.ts) holds a new certificate under a new
 * label from then on, and its server binds the new one only (NanoMDM answers the old one 500). The
 * runner's state for the device changes in place; this writes it to the fleet store's row when it
 * changed, so `run --resume` checks in with the identity the device really holds.
 */
import type { AppliedSettings } from "../../device/flow.js";
import type { EnrolledState } from "../checkin.js";
import { StoreWriteError } from "./track.js";
import type { FleetStore } from "./types.js";

/** The keychain as it was before a check-in: its entries' label and PEM strings (references, no copies). */
export type KeychainSnapshot = readonly string[];

/** Same settings, node by node (a Windows check-in builds a new object each time: compared by content, without serialising). */
export function sameSettings(a: AppliedSettings | undefined, b: AppliedSettings | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => b[k] !== undefined && a[k]!.value === b[k].value && a[k]!.format === b[k].format);
}

export function keychainSnapshot(state: EnrolledState): KeychainSnapshot {
  const out: string[] = [];
  for (const c of state.certificates) out.push(c.label, c.pem);
  return out;
}

function keychainChanged(state: EnrolledState, before: KeychainSnapshot): boolean {
  if (before.length !== state.certificates.length * 2) return true;
  return state.certificates.some((c, i) => c.label !== before[2 * i] || c.pem !== before[2 * i + 1]);
}

/** Writes the device's keychain to its store row when the check-in changed it; an error value when the store refused. */
export function storeLearned(store: FleetStore | undefined, index: number, device: string, state: EnrolledState, before: KeychainSnapshot, at: number, settingsBefore?: AppliedSettings): StoreWriteError | undefined {
  if (!store || (!keychainChanged(state, before) && sameSettings(settingsBefore, state.appliedSettings))) return undefined;
  try {
    const row = store.get(index);
    if (!row) return undefined;
    const { appliedSettings: _old, ...rest } = row;
    const settings = state.appliedSettings ? { appliedSettings: state.appliedSettings } : {};
    store.put({ ...rest, ...settings, certificates: state.certificates.map((c) => ({ label: c.label, pem: c.pem })), serverIds: { ...row.serverIds, ...state.serverIds }, updatedAt: at });
    return undefined;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return new StoreWriteError("store.write-failed", `the fleet store${store.location ? ` ${store.location}` : ""} could not record the keychain this check-in changed: ${why}`, { device, cause: err });
  }
}

/** Snapshots `state`'s keychain now; the returned function writes it to the store if it changed since, throwing the store's refusal (undefined state: nothing to keep). */
export function watchKeychain(store: FleetStore | undefined, index: number, device: string, state: EnrolledState | undefined): (at: number) => void {
  if (!store || !state) return () => {};
  const before = keychainSnapshot(state);
  const settings = state.appliedSettings;
  return (at) => {
    const refused = storeLearned(store, index, device, state, before, at, settings);
    if (refused) throw refused;
  };
}
