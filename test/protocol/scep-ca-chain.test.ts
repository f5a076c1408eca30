// SPDX-License-Identifier: MIT
/**
 * A SCEP CA that issues from an intermediate (embedded.scep.chain), on virtual time with the generic RFC 8894 client,
 * and Apple's two RA/CA set rules on the served bytes:
 * - GetCACert answers application/x-x509-ca-ra-cert, a degenerate PKCS#7 with the issuing intermediate (CA:TRUE) as leaf
 *   and the root (RFC 8894 §4.2.1.2), cross-checked with `openssl pkcs7 -print_certs`; `answer: issuing-ca` serves the
 *   intermediate alone (application/x-x509-ca-cert, NeySlim/ultimate-ca-manager PR #102); an RA is issued by the
 *   intermediate and leads the set.
 * - The generic client encrypts to the issuing intermediate, the CA decrypts with its key and issues from it; the
 *   issued certificate verifies with `openssl verify` against the root through the intermediate; a root fingerprint pin
 *   is honoured; renewal is checked against the intermediate.
 * - Apple: the newer SecSCEP (secScepRecipient, macOS 13.0 on) refuses the CA-only set with -67731; a CA certificate
 *   with keyUsage digitalSignature + keyEncipherment is a candidate; the 2021 rule (appleScepRecipient) encrypts to the
 *   issuing CA.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../src/platform/virtual/http.js";
import { appleScepRecipient, secScepRecipient } from "../../src/protocol/apple/scep-recipient.js";
import { chainFromResponse } from "../../src/protocol/scep/ca-chain.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import type { ScepServerConfig } from "../../src/server/scep/config.js";
import { buildCertsOnly } from "../../src/wire/cms/signed-data.js";
import { hex, toPem } from "../../src/wire/x509/certificate.js";
import { crypto, harness, testKeys } from "../support/scep-harness.js";

const START = Date.UTC(2026, 11, 8, 1);
const work = mkdtempSync(join(tmpdir(), "enrollsim-scep-chain-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function world(scep: Partial<ScepServerConfig>) {
  const clock = new VirtualClock(START);
  const keys = await testKeys();
  const ref = await ReferenceServer.create({ keys: { ca: await keys.rsa(20), ra: await keys.rsa(21) }, now: () => clock.now(), scep });
  const http = new InMemoryHttp({ clock, handler: { "http://ca.test": ref.handler } });
  const getCaCert = async () => {
    const res = await ref.handler({ method: "GET", url: "/scep?operation=GetCACert" });
    return { type: String(res.headers["content-type"]), body: res.body as Uint8Array };
  };
  return { clock, ref, getCaCert, h: (device: string, fp?: string) => harness(http, clock, { url: "http://ca.test/scep", ...(fp ? { caFingerprint: fp } : {}) }, device) };
}

function openssl(args: string[], input?: Uint8Array): string {
  const r = spawnSync("openssl", args, { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}
const subjects = (printed: string) => [...printed.matchAll(/^subject=(.*)$/gm)].map((m) => m[1]!.replace(/\s/g, ""));

describe("an intermediate-issuing SCEP CA (embedded.scep.chain)", () => {
  beforeAll(testKeys);

  it("serves its chain as a degenerate PKCS#7 (openssl reads the intermediate, then the root), and the generic client enrols from the intermediate", async () => {
    const { clock, ref, getCaCert, h } = await world({ chain: { intermediates: 1 } });
    const { type, body } = await getCaCert();
    expect(type).toBe("application/x-x509-ca-ra-cert");
    const printed = openssl(["pkcs7", "-inform", "DER", "-print_certs", "-noout"], body);
    expect(subjects(printed)).toEqual(["CN=enrollsimreferenceCAissuingCA,O=enrollsim", "CN=enrollsimreferenceCA,O=enrollsim"]);
    expect(printed).toMatch(/issuer=CN\s*=\s*enrollsim reference CA, O\s*=\s*enrollsim/);
    const x = h("a#0");
    const chain = await clock.run(x.client.getCaCert(), 60_000);
    expect(chain.ca.subject).toMatch(/issuing CA/);
    expect(chain.ca.isCA).toBe(true);
    expect(chain.encryption).toBe(chain.ca);
    const args = await x.enrollArgs(undefined, "CN=chain-1,O=enrollsim", 0);
    const out = await clock.run(x.client.enroll(args), 60_000);
    if (out.status !== "issued") throw new Error(`expected issued, got ${JSON.stringify(out)}`);
    expect(out.certificate.issuer).toBe(chain.ca.subject);
    // The issued certificate verifies against the root through the intermediate (openssl, real bytes).
    writeFileSync(join(work, "root.pem"), toPem(ref.scep.id.ca.der));
    writeFileSync(join(work, "inter.pem"), toPem(chain.ca.der));
    writeFileSync(join(work, "leaf.pem"), toPem(out.certificate.der));
    expect(openssl(["verify", "-CAfile", join(work, "root.pem"), "-untrusted", join(work, "inter.pem"), join(work, "leaf.pem")])).toMatch(/leaf\.pem: OK/);
    // The root alone does not verify it: it really was issued by the intermediate.
    expect(spawnSync("openssl", ["verify", "-CAfile", join(work, "root.pem"), join(work, "leaf.pem")]).status).not.toBe(0);
    // The halves accept it as this CA's certificate (client identity checks).
    expect(typeof ref.scep.checkIssued(out.certificate.der)).toBe("object");
    // Renewal is signed with that certificate and checked against the intermediate.
    const renewed = await clock.run(h("a#0").client.renew({ ...args, currentCert: out.certificate, currentKey: args.key }), 60_000);
    expect(renewed.status).toBe("issued");
  });

  it("the CA stays strict: a request encrypted to the root (not the issuing intermediate) is refused badMessageCheck", async () => {
    const clock = new VirtualClock(START);
    const keys = await testKeys();
    const ref = await ReferenceServer.create({ keys: { ca: await keys.rsa(20) }, now: () => clock.now(), scep: { chain: { intermediates: 1 } } });
    const http = new InMemoryHttp({ clock, handler: { "http://ca.test": ref.handler } });
    const x = harness(http, clock, { url: "http://ca.test/scep", recipient: (chain) => chain.all.find((c) => c !== chain.ca)! }, "root#0");
    const out = await clock.run(x.client.enroll(await x.enrollArgs(undefined, "CN=to-root,O=enrollsim", 0)), 60_000);
    expect(out).toMatchObject({ status: "failure", failInfo: "badMessageCheck" });
  });

  it("a root fingerprint pins the chain (Windows' CAThumbprint names the root); a foreign pin is refused", async () => {
    const { clock, ref, h } = await world({ chain: { intermediates: 1 } });
    const rootFp = `sha256:${hex(crypto.digest("sha256", ref.scep.id.ca.der))}`;
    await expect(clock.run(h("a#0", rootFp).client.getCaCert(), 60_000)).resolves.toMatchObject({ form: "ra" });
    await expect(clock.run(h("b#1", `sha256:${"ab".repeat(32)}`).client.getCaCert(), 60_000)).rejects.toMatchObject({ code: "scep.ca-fingerprint-mismatch" });
  });

  it("root: false leaves the root out; answer: issuing-ca serves the intermediate alone as application/x-x509-ca-cert; two intermediates chain", async () => {
    const noRoot = await world({ chain: { intermediates: 1, root: false } });
    expect(subjects(openssl(["pkcs7", "-inform", "DER", "-print_certs", "-noout"], (await noRoot.getCaCert()).body))).toEqual(["CN=enrollsimreferenceCAissuingCA,O=enrollsim"]);
    const alone = await world({ chain: { intermediates: 1, answer: "issuing-ca" } });
    const single = await alone.getCaCert();
    expect(single.type).toBe("application/x-x509-ca-cert");
    expect(openssl(["x509", "-inform", "DER", "-noout", "-subject"], single.body)).toMatch(/issuing CA/);
    const two = await world({ chain: { intermediates: 2 } });
    const set = chainFromResponse("application/x-x509-ca-ra-cert", (await two.getCaCert()).body, crypto);
    expect(set.all.map((c) => c.subject)).toEqual(["CN=enrollsim reference CA issuing CA 2, O=enrollsim", "CN=enrollsim reference CA issuing CA 1, O=enrollsim", "CN=enrollsim reference CA, O=enrollsim"]);
    expect(set.ca.subject).toMatch(/issuing CA 2/);
    const x = two.h("a#0");
    const out = await two.clock.run(x.client.enroll(await x.enrollArgs(undefined, "CN=two,O=enrollsim", 0)), 60_000);
    expect(out.status).toBe("issued");
  });

  it("with an RA, the intermediate issues the RA, the set leads with it, and the client encrypts to the RA", async () => {
    const { clock, getCaCert, h } = await world({ chain: { intermediates: 1 }, ra: true });
    expect(subjects(openssl(["pkcs7", "-inform", "DER", "-print_certs", "-noout"], (await getCaCert()).body))).toEqual(["CN=enrollsimreferenceCARA,O=enrollsim", "CN=enrollsimreferenceCAissuingCA,O=enrollsim", "CN=enrollsimreferenceCA,O=enrollsim"]);
    const x = h("a#0");
    const chain = await clock.run(x.client.getCaCert(), 60_000);
    expect(chain.ca.subject).toMatch(/issuing CA/);
    expect(chain.encryption.subject).toMatch(/ RA,/);
    expect(secScepRecipient(chain)).toMatchObject({ recipient: chain.encryption });
    expect((await clock.run(x.client.enroll(await x.enrollArgs(undefined, "CN=ra,O=enrollsim", 0)), 60_000)).status).toBe("issued");
  });

  it("Apple: the newer SecSCEP refuses the CA-only set (-67731), accepts an issuing CA whose keyUsage allows encryption; the 2021 rule encrypts to the issuing CA", async () => {
    const plain = await world({ chain: { intermediates: 1 } });
    const set = chainFromResponse("application/x-x509-ca-ra-cert", (await plain.getCaCert()).body, crypto);
    const refused = secScepRecipient(set);
    expect(refused).toMatchObject({ osStatus: -67731 });
    expect("refused" in refused && refused.refused).toMatch(/SCEP failed to find candidate RA certificates.*issuing CA, O=enrollsim \(CA\): keyUsage digitalSignature,keyCertSign,cRLSign.*-67731 \(The key usage is incorrect\.\)/);
    expect(appleScepRecipient(set)).toMatchObject({ recipient: set.ca });
    const rfc = await world({ chain: { intermediates: 1, keyUsage: ["digitalSignature", "keyEncipherment", "keyCertSign", "cRLSign"] } });
    const rfcSet = chainFromResponse("application/x-x509-ca-ra-cert", (await rfc.getCaCert()).body, crypto);
    expect(secScepRecipient(rfcSet)).toMatchObject({ recipient: rfcSet.ca });
    const alone = await world({ chain: { intermediates: 1, answer: "issuing-ca" } });
    const single = chainFromResponse("application/x-x509-ca-cert", (await alone.getCaCert()).body, crypto);
    expect(secScepRecipient(single)).toMatchObject({ recipient: single.ca });
  });

  it("CA certificates that form no single chain are refused by the generic client (no issuing CA to pick)", async () => {
    // Two intermediates of two CAs (their own keys): neither issued the other.
    const a = await world({ chain: { intermediates: 1 } });
    const b = await world({ chain: { intermediates: 1 } });
    const set = buildCertsOnly([a.ref.scep.id.issuing!.cert.der, b.ref.scep.id.issuing!.cert.der], crypto);
    expect(() => chainFromResponse("application/x-x509-ca-ra-cert", set, crypto)).toThrow(/holds no RA certificate, and its 2 CA certificates form no single chain/);
  });
});
