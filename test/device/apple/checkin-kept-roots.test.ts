// SPDX-License-Identifier: MIT
/**
 * A steady check-in after enrollment trusts the roots the enrollment installed, as the device trusts them
 * (src/device/apple/profile-trust.ts), over loopback: the embedded server's check-in and command URLs chain to a
 * private root that only its enrollment profile carries (embedded.apple.profileRoots, micromdm/micromdm#836). The
 * check-in runs on a fresh HTTP port (no TLS session kept from the enrollment), so it needs a full handshake, as a
 * device whose session expired or a run resumed from the fleet store does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../../../src/api/device.js";
import { appleCheckin } from "../../../src/device/apple/checkin.js";
import { ROOT_LABEL_MARK } from "../../../src/device/apple/profile-trust.js";
import type { FlowContext } from "../../../src/device/flow.js";
import type { DeviceState } from "../../../src/device/state.js";
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { RealClock } from "../../../src/platform/node/clock.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { NodeHttp } from "../../../src/platform/node/http.js";
import { silentLogger } from "../../../src/ports/index.js";
import { enrolledState, type EnrolledState } from "../../../src/runner/checkin.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { testKeys } from "../../support/scep-harness.js";

const ROOT = "Lab MDM Root CA";

describe("steady check-in: the roots the enrollment installed are kept", () => {
  let server: ReferenceServer;
  beforeAll(async () => {
    const keys = await testKeys();
    server = await ReferenceServer.start({
      keys: { ca: await keys.rsa(5) },
      tls: {
        privateRoots: [{ name: ROOT, subject: `CN=${ROOT},O=Lab` }],
        endpoints: [
          { path: "/apple/checkin", certificate: { root: ROOT } },
          { path: "/apple/mdm", certificate: { root: ROOT } },
        ],
      },
      platforms: { apple: { profileRoots: [{ root: ROOT }] } },
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  /** Enrolls one device, then returns its kept state and a check-in on a fresh HTTP port (full TLS handshake). */
  async function enrolled(model: string, flow: string, index: number, state?: DeviceState) {
    const keys = await testKeys();
    const tls = { ca: [server.caPem] };
    const dev = await createDevice({ model, seed: "kept-roots", index, keys, tls, ...(state ? { state } : {}) });
    const r = await dev.run(flow, {}, { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } });
    expect(r.ok, dev.formatTranscript()).toBe(true);
    const kept: EnrolledState = enrolledState(r);
    const checkin = async () => {
      const clock = new RealClock();
      const crypto = new NodeCrypto();
      const http = new NodeHttp({ clock, tlsSessionResumption: false });
      const entropy = new SeededEntropySource("kept-roots").forDevice(0, index);
      const transcript = { record: () => {} };
      const protocolHttp = http.client({ tls, keepAlive: false });
      const ctx: FlowContext = {
        identity: dev.identity,
        ports: { clock, crypto, entropy, http, dns: { resolveCname: async () => [], resolve4: async () => [] }, keys, transcript, log: silentLogger },
        protocol: { device: dev.id, clock, crypto, entropy, http: protocolHttp, transcript, log: silentLogger, timeoutMs: 30_000, maxResponseBytes: 1 << 20 },
        targets: { scepUrl: server.scepUrl, server: { ...server.urls, embedded: true } },
        tls,
        keepAlive: false,
      };
      try {
        return await appleCheckin(ctx, {}, kept);
      } catch (e) {
        return { ok: false, code: "thrown", message: e instanceof Error ? e.message : String(e) };
      } finally {
        await protocolHttp.close();
      }
    };
    return { dev, kept, checkin };
  }

  it("a Mac (the profile's root trusted on install): the kept state holds the root, and a fresh handshake checks in", async () => {
    const { kept, checkin } = await enrolled("macbook-air-m3", "macos-profile", 1);
    const roots = kept.certificates.filter((c) => c.label.startsWith(ROOT_LABEL_MARK));
    expect(roots.map((c) => new URLSearchParams(c.label.slice(ROOT_LABEL_MARK.length)).get("cn"))).toContain(ROOT);
    expect(roots.every((c) => c.label.endsWith("tls=1"))).toBe(true);
    expect(await checkin()).toMatchObject({ ok: true, code: "apple.checkin.idle" });
  }, 60_000);

  it("an iPhone that installed the profile by hand and turned on full trust: checks in; turned off again, the root is withheld again", async () => {
    const state: DeviceState = { certificateTrustSettings: { fullTrust: [ROOT] } };
    const { dev, kept, checkin } = await enrolled("iphone-15", "ios-profile", 2, state);
    const root = kept.certificates.find((c) => c.label.startsWith(ROOT_LABEL_MARK) && c.label.includes("Lab+MDM+Root+CA"));
    // Kept as waiting for full trust (the rule of a hand-installed profile on iOS 10.3+), judged again at each check-in.
    expect(root?.label).toMatch(/tls=0$/);
    expect(await checkin()).toMatchObject({ ok: true, code: "apple.checkin.idle" });
    // The user turns full trust off in Certificate Trust Settings (live device state, as the timeline's `set` does).
    (dev.identity.state as DeviceState).certificateTrustSettings = { fullTrust: [] };
    const out = await checkin();
    expect(out.ok).toBe(false);
    expect(out.message).toMatch(/certificate|self.signed|issuer|verify/i);
  }, 60_000);

  it("without the kept roots (a keychain kept before roots were) a fresh handshake fails: the private root came only from the profile", async () => {
    const { kept, checkin } = await enrolled("macbook-air-m3", "macos-profile", 3);
    // Hostile or stale state: the root entries removed (a keychain persisted before roots were kept).
    kept.certificates = kept.certificates.filter((c) => !c.label.startsWith(ROOT_LABEL_MARK));
    const out = await checkin();
    expect(out.ok).toBe(false);
  }, 60_000);
});
