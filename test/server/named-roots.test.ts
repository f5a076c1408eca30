// SPDX-License-Identifier: MIT
/**
 * Named roots and the chains issued from them (server/named-roots.ts, server/tls-chain.ts), cross-checked
 * with the OpenSSL CLI: the generated root carries the real root's subject (plus the simulated OU) and
 * published dates; `openssl verify` builds the served chain to the root the device would trust, through
 * the cross-sign when only the older root is trusted, and fails when the intermediate is left out.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTrustStores } from "../../src/runner/catalog-files.js";
import { NamedRoots } from "../../src/server/named-roots.js";
import { createCaIdentity, type CaIdentity } from "../../src/server/scep/ca.js";
import { generateServedChain } from "../../src/server/tls-chain.js";
import { toPem } from "../../src/wire/x509/certificate.js";
import { crypto, testKeys } from "../support/scep-harness.js";

const NOW = Date.UTC(2026, 5, 1, 12);
const names = { dns: ["localhost"], ip: ["127.0.0.1"] };
const dir = mkdtempSync(join(tmpdir(), "enrollsim-roots-"));
let ca: CaIdentity;
let roots: NamedRoots;

beforeAll(async () => {
  ca = createCaIdentity({ caKey: await (await testKeys()).rsa(4) }, crypto, NOW - 86_400_000);
  const defs = new Map(loadTrustStores().roots.map((r) => [r.name, r]));
  defs.set("Contoso Root CA", { name: "Contoso Root CA", subject: "CN=Contoso Root CA,O=Contoso", notBefore: new Date(NOW - 365 * 86_400_000), notAfter: new Date(NOW + 3650 * 86_400_000), key: "ec-p256", private: true });
  roots = new NamedRoots(defs, crypto);
});

const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const text = (pem: string): string => execFileSync("openssl", ["x509", "-noout", "-text", "-dates"], { input: pem }).toString();
/** `openssl verify` of the served leaf with the served rest as untrusted and `trusted` as the only CA file. */
function verify(served: string, trusted: string[], extra: string[] = []): string {
  const pems = served.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)!;
  const leaf = file("leaf.pem", pems[0]!);
  const args = ["verify", "-CAfile", file("ca.pem", trusted.join("")), ...(pems.length > 1 ? ["-untrusted", file("untrusted.pem", pems.slice(1).join(""))] : []), ...extra, leaf];
  try {
    return execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
  } catch (e) {
    return `${(e as { stdout?: Buffer }).stdout?.toString() ?? ""}${(e as { stderr?: Buffer }).stderr?.toString() ?? ""}`;
  }
}

describe("named roots, as openssl reads them", () => {
  it("the generated ISRG Root X1: the real subject plus the simulated OU, the published dates, self-signed CA", async () => {
    const r = await roots.get("ISRG Root X1");
    const t = text(r.pem);
    expect(t).toMatch(/Subject: C\s?=\s?US, O\s?=\s?Internet Security Research Group, CN\s?=\s?ISRG Root X1, OU\s?=\s?enrollsim simulated root/);
    expect(t).toMatch(/notBefore=Jun {2}4 11:04:38 2015 GMT/);
    expect(t).toMatch(/notAfter=Jun {2}4 11:04:38 2035 GMT/);
    expect(t).toMatch(/CA:TRUE/);
    expect(verify(r.pem, [r.pem])).toMatch(/OK/);
    expect(roots.pems().get("ISRG Root X1")).toBe(r.pem);
  });

  it("a chain issued from a named root verifies against that root alone, not against another", async () => {
    const c = await generateServedChain(ca, { root: "ISRG Root X1", intermediate: { name: "R10" } }, names, NOW, crypto, roots);
    const pems = c.certPem.match(/-----BEGIN CERTIFICATE-----/g)!;
    expect(pems).toHaveLength(2); // leaf + intermediate; the root is not sent
    expect(text(toPem(c.certificates[1]!.der))).toMatch(/Issuer: C\s?=\s?US, O\s?=\s?Internet Security Research Group, CN\s?=\s?ISRG Root X1/);
    expect(text(toPem(c.certificates[1]!.der))).toMatch(/Subject: CN\s?=\s?R10/);
    expect(verify(c.certPem, [(await roots.get("ISRG Root X1")).pem])).toMatch(/leaf\.pem: OK/);
    expect(verify(c.certPem, [(await roots.get("DigiCert Global Root G2")).pem])).toMatch(/unable to get local issuer certificate/);
    expect(verify(c.certPem, [toPem(ca.ca.der)])).toMatch(/unable to get local issuer certificate/);
  });

  it("the long chain: with only DST Root CA X3 trusted, openssl builds the path through the cross-signed ISRG Root X1 (whose dates are the cross-sign's)", async () => {
    const c = await generateServedChain(ca, { root: "ISRG Root X1", intermediate: { name: "R3" }, crossSign: { by: "DST Root CA X3", notBefore: "2021-01-20T19:14:03Z", notAfter: "2024-09-30T18:14:03Z" } }, names, NOW, crypto, roots);
    expect(c.certificates).toHaveLength(3);
    const cross = text(toPem(c.certificates[2]!.der));
    expect(cross).toMatch(/Issuer: O\s?=\s?Digital Signature Trust Co\., CN\s?=\s?DST Root CA X3/);
    expect(cross).toMatch(/Subject: C\s?=\s?US, O\s?=\s?Internet Security Research Group, CN\s?=\s?ISRG Root X1/);
    expect(cross).toMatch(/notAfter=Sep 30 18:14:03 2024 GMT/);
    const dst = (await roots.get("DST Root CA X3")).pem;
    // In 2026 the cross-sign and DST Root CA X3 have expired: openssl refuses on the clock, and verifies without it.
    expect(verify(c.certPem, [dst])).toMatch(/certificate has expired/);
    const path = verify(c.certPem, [dst], ["-no_check_time", "-show_chain"]);
    expect(path).toMatch(/leaf\.pem: OK/);
    expect(path).toMatch(/depth=3: .*CN\s?=\s?DST Root CA X3/);
    // A store with ISRG Root X1 stops there (trusted first): valid today.
    expect(verify(c.certPem, [(await roots.get("ISRG Root X1")).pem, dst], ["-show_chain"])).toMatch(/OK[\s\S]*depth=2: .*CN\s?=\s?ISRG Root X1/);
  });

  it("an omitted intermediate: the server sends the leaf alone, and the root cannot be reached", async () => {
    const c = await generateServedChain(ca, { root: "Contoso Root CA", intermediate: { name: "Contoso Issuing CA 01", send: false } }, names, NOW, crypto, roots);
    expect(c.certPem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(1);
    const root = (await roots.get("Contoso Root CA")).pem;
    expect(verify(c.certPem, [root])).toMatch(/unable to get local issuer certificate/);
    // with the intermediate available (the client had it), the same leaf verifies
    expect(verify(c.certPem + toPem(c.certificates[1]!.der), [root])).toMatch(/leaf\.pem: OK/);
  });
});
