// SPDX-License-Identifier: MIT
/**
 * A device's own clock: the scenario clock plus how far the device's clock is off
 * (`state.clockOffset`, changed during the run by the timeline's `set: {state.clockOffset: …}`).
 * Timers and deadlines stay on the scenario clock (an offset does not make time pass faster);
 * what reads the device's clock is every time the device judges or writes: the server-trust
 * evaluation of every TLS connection the device opens (device/trust.ts), and, through
 * `ProtocolContext.deviceTime`, the times it writes into messages (CMS signingTime of Mdm-Signature
 * and SCEP requests, the validity of its SCEP signer certificate). The SCEP client's sanity check of
 * an issued certificate stays on the scenario clock: it looks for a server fault, not the device's view.
 */
import type { Clock } from "../ports/clock.js";
import type { HttpClient, HttpClientOptions, HttpPort, ServerTrust } from "../ports/http.js";
import type { DeviceIdentity } from "../device/identity.js";
import { clockOffsetMs } from "../device/state.js";
import { deviceServerTrust } from "../device/trust.js";

/** Where the timeline keeps offsets it set (TimelineEngine.clockOffset). */
export interface ClockOffsets {
  clockOffset(index: number): number | undefined;
}

/** The device's clock offset now (ms): the timeline's latest `set`, else its state's. */
export function deviceClockOffset(identity: DeviceIdentity, timeline?: ClockOffsets): number {
  const set = timeline?.clockOffset(identity.index);
  if (set !== undefined) return set;
  const v = identity.state?.clockOffset;
  return typeof v === "string" ? clockOffsetMs(v) : 0;
}

/** The device's own wall clock: the scenario clock plus its offset now (ProtocolContext.deviceTime). */
export function deviceTimeOf(identity: DeviceIdentity, clock: Clock, timeline?: ClockOffsets): () => number {
  return () => clock.now() + deviceClockOffset(identity, timeline);
}

/** The device's server-trust evaluation: its platform's rules for its OS build, on its clock. */
export function serverTrustOf(identity: DeviceIdentity, clock: Clock, timeline?: ClockOffsets): ServerTrust {
  return deviceServerTrust({
    platform: identity.platform,
    osVersion: identity.os.version,
    ...(identity.android ? { apiLevel: identity.android.apiLevel } : {}),
    now: deviceTimeOf(identity, clock, timeline),
  });
}

/** `inner` whose every client (mTLS ones too) judges server chains with `trust` (unless one brings its own). */
export function withServerTrust(inner: HttpPort, trust: ServerTrust): HttpPort {
  return {
    client: (o: HttpClientOptions = {}): HttpClient => inner.client(o.tls?.serverTrust ? o : { ...o, tls: { ...(o.tls ?? {}), serverTrust: trust } }),
  };
}
