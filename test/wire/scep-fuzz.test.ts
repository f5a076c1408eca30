// SPDX-License-Identifier: MIT
/**
 * Damaged server input never crashes the device: every single-byte corruption and every
 * truncation of the golden fixtures either still parses or fails with a typed SimError
 * (ProtocolViolationError), never a TypeError/RangeError from deep inside a codec.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SimError } from "../../src/errors/index.js";
import { NodeCrypto } from "../../src/platform/node/crypto.js";
import { chainFromResponse } from "../../src/protocol/scep/ca-chain.js";
import { checkCertRep } from "../../src/protocol/scep/certrep.js";
import { verifySigner } from "../../src/wire/cms/signed-data.js";
import { parsePkiMessage } from "../../src/wire/scep/message.js";
import { parseCertificate } from "../../src/wire/x509/certificate.js";
import { parseCsr, verifyCsr } from "../../src/wire/x509/pkcs10.js";
import { CT } from "./support/checks.js";
import { walk, type Tlv } from "./support/der-walk.js";
import { loadKeys, readFixture } from "./support/fixture-files.js";
import { buildGolden, nonce, type Golden } from "./support/golden.js";

const crypto = new NodeCrypto();
let golden: Golden;
beforeAll(() => {
  golden = buildGolden(loadKeys(crypto)!);
});

/** Runs `f`; returns "ok", or the SimError code; anything else thrown is returned as a crash. */
function outcome(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (err) {
    if (err instanceof SimError) return err.code;
    return `CRASH ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`;
  }
}

const consumers: Record<string, (der: Uint8Array) => unknown> = {
  "certrep-success.der": (der) =>
    checkCertRep(
      CT.pki,
      der,
      {
        transactionID: golden.transactionID,
        senderNonce: nonce("pkcsreq"),
        signerCert: golden.certs.deviceSigner,
        signerKey: golden.keys.device,
        requestedSpki: golden.keys.device.spki,
        now: Date.UTC(2026, 0, 1),
        chain: chainFromResponse(CT.ca, readFixture("getcacert-single.der"), crypto),
      },
      crypto,
    ),
  "certrep-failure-badrequest.der": (der) => parsePkiMessage(der),
  "pkcsreq.der": (der) => {
    const m = parsePkiMessage(der);
    return verifySigner(m.signedData, m.signer, golden.certs.deviceSigner.spki, crypto);
  },
  "getcacert-ra.p7b.der": (der) => chainFromResponse(CT.caRa, der, crypto),
  "getcacert-single.der": (der) => parseCertificate(der),
  "csr.der": (der) => verifyCsr(parseCsr(der), crypto),
};

describe.each(Object.keys(consumers))("%s, damaged", (file) => {
  const consume = consumers[file]!;

  it("every single-byte corruption (inverted byte) gives a result or a typed error", () => {
    const base = readFixture(file);
    const crashes: string[] = [];
    // Sampled on the two largest messages to keep the run short; every offset elsewhere.
    const step = file === "certrep-success.der" ? 3 : file === "pkcsreq.der" ? 2 : 1;
    for (let i = 0; i < base.length; i += step) {
      const bad = Uint8Array.from(base);
      bad[i] = bad[i]! ^ 0xff;
      const o = outcome(() => consume(bad));
      if (o.startsWith("CRASH")) crashes.push(`offset ${i}: ${o}`);
    }
    expect(crashes).toEqual([]);
  });

  it("every tag byte replaced by another common tag, and every first length byte by an odd length, gives a result or a typed error", () => {
    const base = readFixture(file);
    const elements: Tlv[] = [];
    const collect = (list: Tlv[]) => list.forEach((t) => (elements.push(t), t.children && collect(t.children)));
    collect(walk(base));
    const tags = [0x02, 0x03, 0x04, 0x06, 0x0c, 0x13, 0x1e, 0x30, 0x31, 0xa0, 0x80, 0x1f];
    const lengths = [0x00, 0x7f, 0x80, 0x81, 0x84];
    const crashes: string[] = [];
    for (const el of elements) {
      for (const [at, values] of [[el.start, tags], [el.start + 1, lengths]] as const) {
        for (const v of values) {
          if (base[at] === v) continue;
          const bad = Uint8Array.from(base);
          bad[at] = v;
          const o = outcome(() => consume(bad));
          if (o.startsWith("CRASH")) crashes.push(`offset ${at} = ${v.toString(16)}: ${o}`);
        }
      }
    }
    expect(elements.length).toBeGreaterThan(20);
    expect(crashes).toEqual([]);
  });

  it("every truncation is asn1.malformed", () => {
    const base = readFixture(file);
    const codes = new Set<string>();
    for (let n = 1; n < base.length; n++) codes.add(outcome(() => consume(base.subarray(0, n))));
    expect([...codes]).toEqual(["asn1.malformed"]);
  });
});
