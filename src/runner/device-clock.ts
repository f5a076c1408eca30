// SPDX-License-Identifier: MIT
/**
 * A device's own clock: the scenario clock plus how far the device's clock is off
 * (`state.clockOffset`, changed during the run by the timeline's `set: {state.clockOffset: …}`).
 * Timers and deadlines stay on the scenario clock (an offset does not make time pass faster);
 * what reads the device's clock is every time the device judges or writes: the server-trust
 * evaluation of every TLS connection the device opens (device/trust.ts), and, through
 * `ProtocolContext.deviceTime`, the times it writes into messages (CMS signingTime of Mdm-Signature
 * and SCEP requests, the validity of its SCEP signer certificate), and a Windows PC's judgement of its own
 * MDM certificate (expiry at check-in, the renewal window). The SCEP client's sanity check of
 * an issued certificate stays on the scenario clock: it looks for a server fault, not the device's view.
 */
import type { Clock } from "../ports/clock.js";
import type { HttpClient, HttpClientOptions, HttpPort, ServerTrust, TlsSessionCache } from "../ports/http.js";
import { aiaChaser, type AiaChaser } from "./aia-fetch.js";
import type { DeviceIdentity } from "../device/identity.js";
import { clockOffsetMs } from "../device/state.js";
import { deviceServerTrust, type DeviceAnchor } from "../device/trust.js";
import type { RenegotiationCatalog } from "../device/tls-renegotiation.js";
import { trustedRoots, type TrustStoreCatalog } from "../device/trust-store.js";
import { fromPem, parseCertificate, type Certificate } from "../wire/x509/certificate.js";

/** A run's named roots: the catalog of stores, and name → PEM of each root the embedded server generated. */
export interface RunRoots {
  catalog: TrustStoreCatalog;
  pems: ReadonlyMap<string, string>;
}

const parsedRoots = new Map<string, Certificate>();
const rootCert = (pem: string): Certificate => {
  let c = parsedRoots.get(pem);
  if (!c) {
    if (parsedRoots.size > 256) parsedRoots.clear();
    parsedRoots.set(pem, (c = parseCertificate(fromPem(pem)[0]!, "named root")));
  }
  return c;
};

/**
 * The named roots a device trusts (its release's store, plus `state.trustedRoots`), with their PEMs:
 * what goes into its TLS trust store, so OpenSSL refuses a chain to any other named root.
 */
export function deviceAnchors(identity: DeviceIdentity, roots?: RunRoots, installed: readonly string[] = identity.state?.trustedRoots ?? []): { anchors: DeviceAnchor[]; pems: string[] } {
  if (!roots || roots.pems.size === 0) return { anchors: [], pems: [] };
  const s = { platform: identity.platform, osVersion: identity.os.version, ...(identity.android ? { apiLevel: identity.android.apiLevel } : {}) };
  const trusted = trustedRoots(roots.catalog, s, roots.pems.keys(), installed);
  const pems = trusted.map((t) => roots.pems.get(t.name)!);
  return { anchors: trusted.map((t, i) => ({ ...t, cert: rootCert(pems[i]!) })), pems };
}

/** Where the timeline keeps offsets it set (TimelineEngine.clockOffset). */
export interface ClockOffsets {
  clockOffset(index: number): number | undefined;
  /** The named roots the timeline installed on the device (`set: { state.trustedRoots }`); undefined: its state's. */
  trustedRoots?(index: number): string[] | undefined;
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
export function serverTrustOf(identity: DeviceIdentity, clock: Clock, timeline?: ClockOffsets, anchors?: readonly DeviceAnchor[]): ServerTrust {
  return deviceServerTrust({
    ...(anchors?.length ? { anchors } : {}),
    platform: identity.platform,
    osVersion: identity.os.version,
    ...(identity.android ? { apiLevel: identity.android.apiLevel } : {}),
    now: deviceTimeOf(identity, clock, timeline),
  });
}

/**
 * `inner` whose every client (mTLS ones too) judges server chains with `trust` and trusts the named
 * roots `own` (unless one brings its own judgement: a fetch made on someone else's behalf, an admin's
 * console, which trusts every named root of the run, `all`).
 */
export function withServerTrust(inner: HttpPort, trust: ServerTrust, roots: { own: readonly string[]; all: readonly string[] } = { own: [], all: [] }, completeChain?: AiaChaser, renegotiation?: "follow" | "fail"): HttpPort {
  const plus = (ca: string[] | undefined, extra: readonly string[]): { ca?: string[] } => (extra.length ? { ca: [...(ca ?? []), ...extra] } : ca ? { ca } : {});
  // The issuers the device fetched so far go with each new client (CryptoAPI and trustd keep fetched CA certificates): its
  // connections find them locally instead of failing the handshake and completing the chain again. Never trust anchors
  // (runner/aia-fetch.ts refuses a self-issued answer).
  const own = (): readonly string[] => (completeChain ? [...roots.own, ...completeChain.fetched()] : roots.own);
  return {
    client: (o: HttpClientOptions = {}): HttpClient =>
      // A foreign fetch shares no TLS session with the device: a session resumed later by the device
      // would skip the chain check of the device's own store.
      o.tls?.serverTrust
        ? inner.client({ ...o, sessions: undefined, tls: { ...o.tls, ...plus(o.tls.ca, roots.all) } })
        : inner.client({ ...o, tls: { ...(o.tls ?? {}), ...plus(o.tls?.ca, own()), serverTrust: trust, ...(completeChain ? { completeChain } : {}), ...(renegotiation ? { renegotiation } : {}) } }),
  };
}

/** The device's HTTP port: its platform's judgement on its clock, and its trust store's named roots. */
/**
 * `renegotiation`: the catalog's TLS renegotiation table (devices/tls-stacks/): whether the device's stack follows or
 * fails on a server's mid-connection certificate request. Absent: it follows, as OpenSSL does.
 */
export function withDeviceTrust(inner: HttpPort, identity: DeviceIdentity, clock: Clock, timeline?: ClockOffsets, roots?: RunRoots, note?: (data: Record<string, unknown>) => void, renegotiation?: RenegotiationCatalog): HttpPort {
  const all = [...(roots?.pems.values() ?? [])];
  // A chain missing an intermediate: Windows and Apple fetch it from the leaf's AIA URL over the device's network (runner/aia-fetch.ts).
  const completeChain = aiaChaser(identity.platform, inner, clock, note);
  const portFor = (installed: readonly string[] | undefined): HttpPort => {
    const { anchors, pems } = deviceAnchors(identity, roots, installed);
    // A mid-connection certificate request (TLS 1.2 renegotiation): the platform's stack follows it or fails (devices/tls-stacks/).
    return withServerTrust(inner, serverTrustOf(identity, clock, timeline, anchors), { own: pems, all }, completeChain, renegotiation?.behaviourFor(identity.platform, identity.os.version));
  };
  const fixed = portFor(undefined);
  if (!roots || !timeline?.trustedRoots) return fixed;
  const installedNow = (): string[] | undefined => timeline.trustedRoots?.(identity.index);
  // The timeline can install roots during the run: a client made before rebuilds its trust store on its next request.
  return {
    client: (o?: HttpClientOptions): HttpClient => {
      let seen = installedNow();
      let c = (seen ? portFor(seen) : fixed).client(o);
      return {
        request: (r) => {
          const now = installedNow();
          if (now !== seen) {
            void c.close();
            seen = now;
            c = (now ? portFor(now) : fixed).client(o);
          }
          return c.request(r);
        },
        close: () => c.close(),
      };
    },
  };
}

/** The device's HTTP port: every client it builds resumes TLS from the device's own session cache, never another's. */
export function withDeviceSessions(inner: HttpPort, sessions: TlsSessionCache): HttpPort {
  return { client: (o: HttpClientOptions = {}): HttpClient => inner.client({ ...o, sessions: o.sessions ?? sessions }) };
}
