// SPDX-License-Identifier: MIT
/**
 * USB host pairing of an iOS/iPadOS device (the timeline's `connectHost`: the user connects it to a Mac
 * running Finder or Apple Configurator). Whether the Mac may pair is decided by the device's installed
 * restrictions, from Apple's restrictions schema (com.apple.applicationaccess `allowHostPairing`,
 * /work/shared/apple-device-management/mdm/profiles/com.apple.applicationaccess.yaml): "If 'false', the
 * system disables host pairing with the exception of the supervision host. If there's no configured
 * supervision host certificate, the system disables all pairing. … Requires a supervised device.
 * Available in iOS 7 and later."
 *
 * The supervision host is the Mac holding the organization's supervision identity: the Apple
 * Configurator that prepared the device (ios-configurator), or, for Automated Device Enrollment, the
 * hosts whose certificates the cloud configuration lists in `supervising_host_certs` (notes/apple.md,
 * ADE profile fields). Assumption (not published in more detail): a Mac with the identity is the
 * supervision host of any device with a configured supervision host certificate; the certificate bytes
 * are not compared. Denied pairing leaves the port charge-only (`apple.host.pairing-denied`); the
 * failure, the supervised-only rule and the supervision-host exception are all general, so "Sync with
 * computers: Deny all" and "a new IT Mac without the organization's identity" are two failures of it.
 */
import { decoded, type HostConnection } from "../../protocol/common/context.js";
import type { FlowResult } from "../flow.js";
import { fail } from "./enroll.js";
import type { AppleDevice } from "./state.js";

/** allowHostPairing false in an installed com.apple.applicationaccess payload, and whether it is enforced. */
export function hostPairingRestriction(dev: AppleDevice): { restricted: boolean; enforced: boolean } {
  let restricted = false;
  for (const installed of dev.store.profiles.values()) {
    for (const p of installed.profile.payloads) {
      if (p.type === "com.apple.applicationaccess" && p.raw.allowHostPairing === false) restricted = true;
    }
  }
  // Restrictions schema: allowHostPairing is supervised-only (iOS 7+), n/a on macOS.
  return { restricted, enforced: restricted && dev.supervised && dev.osName === "iOS" };
}

const hostName = (h: HostConnection["host"]): string => (h === "configurator" ? "Apple Configurator" : "Finder");

/**
 * The device is connected by USB to `to`; undefined when they pair. `supervisionHost`: the device has a
 * configured supervision host certificate (prepared by Apple Configurator, or ADE `supervising_host_certs`).
 */
export function pairWithHost(dev: AppleDevice, to: Pick<HostConnection, "host" | "supervisionIdentity"> & { entry?: number }, supervisionHost: boolean): FlowResult | undefined {
  const r = hostPairingRestriction(dev);
  const name = hostName(to.host);
  const isSupervisionHost = to.host === "configurator" && to.supervisionIdentity && supervisionHost;
  const paired = !r.enforced || isSupervisionHost;
  decoded(dev.ctx.protocol, "host.pair", {
    host: name,
    ...(to.entry !== undefined ? { timeline: to.entry } : {}),
    supervisionIdentity: to.supervisionIdentity,
    supervisionHostConfigured: supervisionHost,
    allowHostPairing: !r.restricted,
    supervised: dev.supervised,
    enforced: r.enforced,
    paired,
  });
  if (paired) return undefined;
  const why = !supervisionHost
    ? "the device has no supervision host certificate configured, so all pairing is disabled"
    : `the Mac is not the device's supervision host (${to.host === "finder" ? "Finder holds no supervision identity" : "Apple Configurator without the organization's supervision identity"})`;
  return fail(dev, "apple.host.pairing-denied", "host.pair", `The USB port is charge-only: ${name} cannot talk to the device (restriction allowHostPairing false, "Sync with computers: Deny all", on a supervised device; ${why})`);
}

/** After enrolling: the device pairs with each computer the user has connected it to (timeline `connectHost`); the first refusal ends the flow. */
export function pairWithConnectedHosts(dev: AppleDevice, result: FlowResult, supervisionHost: boolean): FlowResult {
  if (!result.ok || dev.erased || dev.unenrolled) return result;
  if (dev.osName !== "iOS") return result; // USB host pairing of this kind is modelled for iOS/iPadOS only
  for (const c of dev.ctx.protocol.hostConnections?.() ?? []) {
    const refused = pairWithHost(dev, c, supervisionHost);
    if (refused) return { ...refused, keychain: result.keychain };
  }
  return result;
}
