// SPDX-License-Identifier: MIT
/**
 * The RA certificate as the embedded CA builds it (`embedded.scep.ra: { keyUsage }`), cross-checked with the openssl CLI,
 * and the recipient an Apple device picks from GetCACert's set (protocol/apple/scep-recipient.ts, Apple's SecSCEP rule):
 * - an RA with digitalSignature + keyEncipherment (the default) receives the envelope;
 * - an RA with digitalSignature only is refused (22003's case);
 * - an RA with no keyUsage extension is no candidate: the Apple client encrypts to the CA (openxpki-config#14), and the
 *   CA, which opens envelopes with the RA key only, answers FAILURE badMessageCheck; the generic client (single RA)
 *   still enrols, so the outcome is the Apple rule's, not the server's alone.
 */
import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { appleScepRecipient } from "../../../src/protocol/apple/scep-recipient.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import type { ScepServerConfig } from "../../../src/server/scep/config.js";
import { harness, testKeys } from "../../support/scep-harness.js";

const START = Date.UTC(2026, 10, 21, 12);
const openssl = (args: string[], der: Uint8Array): string => execFileSync("openssl", args, { input: der, stdio: ["pipe", "pipe", "pipe"] }).toString();

async function world(ra: ScepServerConfig["ra"]) {
  const clock = new VirtualClock(START);
  const keys = await testKeys();
  const ref = await ReferenceServer.create({ keys: { ca: await keys.rsa(20), ra: await keys.rsa(21) }, now: () => clock.now(), scep: { ra } });
  const http = new InMemoryHttp({ clock, handler: { "http://ca.test": ref.handler } });
  const apple = {
    recipient: (chain: Parameters<typeof appleScepRecipient>[0]) => {
      const c = appleScepRecipient(chain);
      return "recipient" in c ? c.recipient : chain.encryption;
    },
  };
  return { clock, ref, h: (device: string, opts: object = {}) => harness(http, clock, { url: "http://ca.test/scep", ...opts }, device), apple };
}

describe("the RA certificate's keyUsage and the Apple client's recipient", () => {
  beforeAll(testKeys);

  it("default RA: keyUsage digitalSignature, keyEncipherment (openssl reads it); the Apple client encrypts to the RA and enrols", async () => {
    const { clock, h, apple } = await world(true);
    const x = h("a#0", apple);
    const chain = await clock.run(x.client.getCaCert(), 60_000);
    const ra = chain.all.find((c) => c !== chain.ca)!;
    expect(openssl(["x509", "-inform", "DER", "-noout", "-text"], ra.der)).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    const pick = appleScepRecipient(chain);
    expect("recipient" in pick && pick.recipient).toBe(ra);
    expect((await clock.run(x.client.enroll(await x.enrollArgs(undefined, "CN=a,O=enrollsim", 0)), 60_000)).status).toBe("issued");
  });

  it("ra: { keyUsage: none }: the RA certificate has no keyUsage extension (openssl); the Apple client picks the CA, the CA answers badMessageCheck; the generic client enrols", async () => {
    const { clock, ref, h, apple } = await world({ keyUsage: "none" });
    const x = h("a#0", apple);
    const chain = await clock.run(x.client.getCaCert(), 60_000);
    const ra = chain.all.find((c) => c !== chain.ca)!;
    const text = openssl(["x509", "-inform", "DER", "-noout", "-text"], ra.der);
    expect(text).toContain("X509v3 Basic Constraints");
    expect(text).not.toContain("Key Usage");
    expect(ra.keyUsage).toBeUndefined();
    const pick = appleScepRecipient(chain);
    expect("recipient" in pick && pick.recipient).toBe(chain.ca);
    expect("recipient" in pick && pick.why).toMatch(/no certificate of the RA\/CA set has a keyUsage extension.*openxpki-config#14/);
    const out = await clock.run(x.client.enroll(await x.enrollArgs(undefined, "CN=a,O=enrollsim", 0)), 60_000);
    expect(out).toMatchObject({ status: "failure", failInfo: "badMessageCheck" });
    expect(ref.scep.log.some((l) => /not addressed to CN=enrollsim reference CA RA/.test(l))).toBe(true);
    // Same server, a client that encrypts to the single RA (sscep, micromdm/scep): issued.
    const g = h("b#1");
    expect((await clock.run(g.client.enroll(await g.enrollArgs(undefined, "CN=b,O=enrollsim", 1)), 60_000)).status).toBe("issued");
  });

  it("ra: { keyUsage: [digitalSignature] }: the Apple client refuses the set (22003's case); [keyEncipherment, digitalSignature, nonRepudiation] is used", async () => {
    const signOnly = await world({ keyUsage: ["digitalSignature"] });
    const chain = await signOnly.clock.run(signOnly.h("a#0").client.getCaCert(), 60_000);
    expect(openssl(["x509", "-inform", "DER", "-noout", "-text"], chain.all.find((c) => c !== chain.ca)!.der)).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\s/);
    expect(appleScepRecipient(chain)).toEqual({ refused: expect.stringMatching(/no RA certificate may both sign and encrypt .*keyUsage digitalSignature\)/) });
    const wide = await world({ keyUsage: ["keyEncipherment", "digitalSignature", "nonRepudiation"] });
    const c2 = await wide.clock.run(wide.h("a#0").client.getCaCert(), 60_000);
    const pick = appleScepRecipient(c2);
    expect("recipient" in pick && pick.recipient).not.toBe(c2.ca);
  });
});
