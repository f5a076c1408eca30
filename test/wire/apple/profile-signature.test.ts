// SPDX-License-Identifier: MIT
/**
 * Profile signature states as iOS reports them (issue 12 #11): unsigned, not checked (no crypto
 * given: never reported as an untrusted signer), signature invalid, signer untrusted, verified.
 * The chain is built as iOS builds it: from the signer through the intermediates the CMS carries
 * (any order, any depth) to a trusted anchor, each link's signature verified and each issuer a CA.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PrivateKey } from "../../../src/ports/crypto.js";
import { parseMobileconfig, signProfile } from "../../../src/wire/apple/profile.js";
import { buildCertificate, parseCertificate, type Certificate } from "../../../src/wire/x509/certificate.js";
import { basicConstraints } from "../../../src/wire/x509/extensions.js";
import { crypto } from "./helpers.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const plist = new Uint8Array(readFileSync(join(import.meta.dirname, "../../fixtures/apple/enrollment-profile.mobileconfig")));
interface Node {
  cert: Certificate;
  key: PrivateKey;
}
let serial = 10;
async function issue(subject: string, issuer: Node | undefined, ca: boolean, key?: PrivateKey): Promise<Node> {
  const k = key ?? (await crypto.generateKey("ec-p256"));
  const der = buildCertificate(
    { serial: Uint8Array.from([serial++]), issuer: issuer ? issuer.cert.subject : subject, subject, notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + 86400_000), spki: k.spki, extensions: [basicConstraints(ca)] },
    issuer?.key ?? k,
    "sha256",
    crypto,
  );
  return { cert: parseCertificate(der), key: k };
}

describe("Apple profile signature states and chain building", () => {
  let root: Node, int1: Node, int2: Node, leaf2: Node, leaf3: Node, leaf4: Node, stranger: Node;
  beforeAll(async () => {
    root = await issue("CN=Root CA", undefined, true);
    int1 = await issue("CN=Intermediate 1", root, true);
    int2 = await issue("CN=Intermediate 2", int1, true);
    leaf2 = await issue("CN=Signer under root", root, false);
    leaf3 = await issue("CN=Signer under int1", int1, false);
    leaf4 = await issue("CN=Signer under int2", int2, false);
    stranger = await issue("CN=Stranger", undefined, true);
  });
  const status = (bytes: Uint8Array, trust: Certificate[]) => parseMobileconfig(bytes, { crypto, trust }).signature;

  it("unsigned, and not checked when no crypto is given (never reported as an untrusted signer)", () => {
    expect(status(plist, [root.cert])).toBe("unsigned");
    const signed = signProfile(plist, { cert: leaf2.cert, key: leaf2.key }, crypto);
    expect(parseMobileconfig(signed).signature).toBe("not-checked");
  });

  it("2 levels: signer issued by the anchor", () => {
    expect(status(signProfile(plist, { cert: leaf2.cert, key: leaf2.key }, crypto), [root.cert])).toBe("verified");
  });

  it("3 levels: signer ← intermediate in the CMS set ← anchor", () => {
    expect(status(signProfile(plist, { cert: leaf3.cert, key: leaf3.key, chain: [int1.cert] }, crypto), [root.cert])).toBe("verified");
    // without the intermediate, nothing links the signer to the anchor
    expect(status(signProfile(plist, { cert: leaf3.cert, key: leaf3.key }, crypto), [root.cert])).toBe("signer-untrusted");
  });

  it("4 levels, intermediates in any order", () => {
    expect(status(signProfile(plist, { cert: leaf4.cert, key: leaf4.key, chain: [int1.cert, int2.cert] }, crypto), [root.cert])).toBe("verified");
    expect(status(signProfile(plist, { cert: leaf4.cert, key: leaf4.key, chain: [int2.cert, int1.cert] }, crypto), [root.cert])).toBe("verified");
  });

  it("a broken intermediate (same name, signed by someone else; or not a CA) leaves the signer untrusted", async () => {
    const forgedInt1 = await issue("CN=Intermediate 1", stranger, true, int1.key);
    expect(status(signProfile(plist, { cert: leaf3.cert, key: leaf3.key, chain: [forgedInt1.cert] }, crypto), [root.cert])).toBe("signer-untrusted");
    const notCa = await issue("CN=Intermediate 1", root, false, int1.key);
    expect(status(signProfile(plist, { cert: leaf3.cert, key: leaf3.key, chain: [notCa.cert] }, crypto), [root.cert])).toBe("signer-untrusted");
  });

  it("a valid signature under an unknown anchor is signer-untrusted; a wrong signature is signature-invalid", () => {
    expect(status(signProfile(plist, { cert: leaf3.cert, key: leaf3.key, chain: [int1.cert] }, crypto), [stranger.cert])).toBe("signer-untrusted");
    const forged = signProfile(plist, { cert: leaf2.cert, key: leaf3.key }, crypto);
    expect(status(forged, [root.cert])).toBe("signature-invalid");
    expect(() => parseMobileconfig(forged, { crypto, trust: [root.cert], signaturePolicy: "require-valid" })).toThrow(/does not verify/);
    expect(() => parseMobileconfig(signProfile(plist, { cert: leaf3.cert, key: leaf3.key }, crypto), { crypto, trust: [root.cert], signaturePolicy: "require-trusted" })).toThrow(/not trusted/);
  });
});
