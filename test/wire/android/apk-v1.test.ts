// SPDX-License-Identifier: MIT
/**
 * APK v1 (JAR) signature verification as Android does it (apksig V1SchemeVerifier, issue 12 #10):
 * the CMS signature in META-INF/X.RSA|EC|DSA over X.SF, the .SF digests of MANIFEST.MF (whole
 * manifest, else every per-entry section), the MANIFEST.MF digest of every entry. Only then are
 * the signer's certificates trusted for the signature checksum. Mutated APKs must all fail.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PrivateKey } from "../../../src/ports/crypto.js";
import { buildApk } from "../../../src/wire/android/apk.js";
import { verifyApkV1 } from "../../../src/wire/android/jar-signature.js";
import { verifyPackage } from "../../../src/wire/android/verify.js";
import { buildZip, readZip } from "../../../src/wire/android/zip.js";
import { buildCertificate, parseCertificate, toPem, type Certificate } from "../../../src/wire/x509/certificate.js";
import { crypto } from "../../support/scep-harness.js";
import { OPENSSL_VERSION, openssl } from "../support/openssl.js";

const te = (s: string) => new TextEncoder().encode(s);
const td = (b: Uint8Array) => new TextDecoder().decode(b);
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const component = { pkg: "com.example.dpc", cls: "com.example.dpc.Admin" };
const meta = { packageName: "com.example.dpc", versionCode: 7, versionName: "7", receivers: ["com.example.dpc.Admin"] };

async function signer(cn: string): Promise<{ cert: Certificate; key: PrivateKey }> {
  const key = await crypto.generateKey("ec-p256");
  const der = buildCertificate({ serial: new Uint8Array([1, 2, 3]), issuer: `CN=${cn}`, subject: `CN=${cn}`, notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2045-01-01T00:00:00Z"), spki: key.spki }, key, "sha256", crypto);
  return { cert: parseCertificate(der), key };
}

/** Rebuilds the archive with entries replaced (name → bytes) or removed (name → undefined). */
function edit(apk: Uint8Array, changes: Record<string, Uint8Array | undefined>): Uint8Array {
  const z = readZip(apk);
  const out: { name: string; data: Uint8Array }[] = [];
  for (const e of z.values()) {
    if (e.name in changes) {
      const d = changes[e.name];
      if (d) out.push({ name: e.name, data: d });
    } else out.push({ name: e.name, data: e.data! });
  }
  for (const [n, d] of Object.entries(changes)) if (d && !z.has(n)) out.push({ name: n, data: d });
  return buildZip(out);
}
const entry = (apk: Uint8Array, name: string) => readZip(apk).get(name)!.data!;
/** Replaces the SHA-256-Digest line of one named section of a manifest-like file. */
const redigest = (mf: string, name: string, digest: Uint8Array) => mf.replace(new RegExp(`(Name: ${name.replace(".", "\\.")}\\r\\nSHA-256-Digest: )[^\\r]+`), `$1${b64(digest)}`);

describe("APK v1 signature verification", () => {
  let good: { cert: Certificate; key: PrivateKey };
  let other: { cert: Certificate; key: PrivateKey };
  let apk: Uint8Array;
  let sig: Uint8Array;
  beforeAll(async () => {
    good = await signer("Good DPC signer");
    other = await signer("Other signer");
    apk = buildApk(meta, good, crypto);
    sig = crypto.digest("sha256", good.cert.der);
  });
  const check = (bytes: Uint8Array) => verifyPackage(bytes, { signatureChecksum: sig }, component, crypto);

  it("a well-signed APK verifies and its signer is trusted for the signature checksum", () => {
    const v = verifyApkV1(readZip(apk), crypto);
    expect(v).toMatchObject({ ok: true });
    expect(v.ok && Buffer.from(v.signers[0]!.der).equals(Buffer.from(good.cert.der))).toBe(true);
    expect(check(apk)).toMatchObject({ ok: true, matched: "signature" });
  });

  it("CERT.SF has per-entry sections that digest the manifest's sections, and CERT.RSA is detached", () => {
    const sf = td(entry(apk, "META-INF/CERT.SF"));
    expect(sf).toMatch(/SHA-256-Digest-Manifest: /);
    expect(sf).toMatch(/Name: classes\.dex\r\nSHA-256-Digest: /);
    expect(openssl(["cms", "-cmsout", "-print", "-inform", "DER"], { input: entry(apk, "META-INF/CERT.RSA") }).text).not.toMatch(/eContent: \n?\s*0000/);
  });

  it("a modified entry fails: MANIFEST.MF digest mismatch", () => {
    const dex = new Uint8Array(entry(apk, "classes.dex"));
    dex[100] ^= 1;
    const bad = edit(apk, { "classes.dex": dex });
    expect(verifyApkV1(readZip(bad), crypto)).toMatchObject({ ok: false, reason: "entry-digest-mismatch" });
    expect(check(bad)).toMatchObject({ ok: false, error: "admin-missing", aospCode: 1 });
  });

  it("a modified entry with a matching MANIFEST.MF fails: CERT.SF digest mismatch", () => {
    const dex = new Uint8Array(entry(apk, "classes.dex"));
    dex[100] ^= 1;
    const mf = redigest(td(entry(apk, "META-INF/MANIFEST.MF")), "classes.dex", crypto.digest("sha256", dex));
    const bad = edit(apk, { "classes.dex": dex, "META-INF/MANIFEST.MF": te(mf) });
    expect(verifyApkV1(readZip(bad), crypto)).toMatchObject({ ok: false, reason: "manifest-digest-mismatch" });
    expect(check(bad)).toMatchObject({ ok: false, error: "admin-missing", aospCode: 1 });
  });

  it("a modified CERT.SF (matching the new manifest) fails: the CMS signature does not verify", () => {
    const dex = new Uint8Array(entry(apk, "classes.dex"));
    dex[100] ^= 1;
    const mf = redigest(td(entry(apk, "META-INF/MANIFEST.MF")), "classes.dex", crypto.digest("sha256", dex));
    const mfBytes = te(mf);
    const sectionStart = mf.indexOf("Name: classes.dex");
    const section = te(mf.slice(sectionStart, mf.indexOf("\r\n\r\n", sectionStart) + 4));
    let sf = td(entry(apk, "META-INF/CERT.SF")).replace(/SHA-256-Digest-Manifest: [^\r]+/, `SHA-256-Digest-Manifest: ${b64(crypto.digest("sha256", mfBytes))}`);
    sf = redigest(sf, "classes.dex", crypto.digest("sha256", section));
    const bad = edit(apk, { "classes.dex": dex, "META-INF/MANIFEST.MF": mfBytes, "META-INF/CERT.SF": te(sf) });
    expect(verifyApkV1(readZip(bad), crypto)).toMatchObject({ ok: false, reason: "signature-invalid" });
    expect(check(bad)).toMatchObject({ ok: false, error: "admin-missing", aospCode: 1 });
  });

  it("CERT.RSA copied from the genuine APK onto an APK signed by someone else fails", () => {
    const forged = buildApk({ ...meta, versionCode: 8 }, other, crypto);
    const bad = edit(forged, { "META-INF/CERT.RSA": entry(apk, "META-INF/CERT.RSA") });
    expect(verifyApkV1(readZip(bad), crypto)).toMatchObject({ ok: false, reason: "signature-invalid" });
    expect(check(bad)).toMatchObject({ ok: false, error: "admin-missing", aospCode: 1 });
  });

  it("missing MANIFEST.MF, CERT.SF or CERT.RSA: unsigned or unverifiable", () => {
    expect(verifyApkV1(readZip(edit(apk, { "META-INF/MANIFEST.MF": undefined })), crypto)).toMatchObject({ ok: false, reason: "no-manifest" });
    expect(verifyApkV1(readZip(edit(apk, { "META-INF/CERT.SF": undefined })), crypto)).toMatchObject({ ok: false, reason: "no-signature-file" });
    expect(verifyApkV1(readZip(edit(apk, { "META-INF/CERT.RSA": undefined })), crypto)).toMatchObject({ ok: false, reason: "unsigned" });
    for (const n of ["META-INF/MANIFEST.MF", "META-INF/CERT.SF", "META-INF/CERT.RSA"]) expect(check(edit(apk, { [n]: undefined }))).toMatchObject({ ok: false, error: "admin-missing", aospCode: 1 });
  });

  it("an entry added outside the manifest, or a manifest entry missing from the archive, fails", () => {
    expect(verifyApkV1(readZip(edit(apk, { "lib/extra.so": te("payload") })), crypto)).toMatchObject({ ok: false, reason: "entry-not-signed" });
    expect(verifyApkV1(readZip(edit(apk, { "classes.dex": undefined })), crypto)).toMatchObject({ ok: false, reason: "entry-missing" });
  });

  it("per-entry .SF sections verify when the whole-manifest digest does not (as Android falls back)", () => {
    // A manifest with an extra main attribute: the whole-manifest digest no longer matches, the
    // main-attributes digest is absent, and every entry section is unchanged.
    const mf = td(entry(apk, "META-INF/MANIFEST.MF")).replace("Created-By: enrollsim\r\n", "Created-By: enrollsim\r\nX-Extra: 1\r\n");
    const bad = edit(apk, { "META-INF/MANIFEST.MF": te(mf) });
    expect(verifyApkV1(readZip(bad), crypto)).toMatchObject({ ok: true });
  });

  it.skipIf(!OPENSSL_VERSION)("openssl cms -verify accepts the detached CERT.RSA over CERT.SF and rejects it over a modified CERT.SF", () => {
    const dir = mkdtempSync(join(tmpdir(), "apkv1-"));
    writeFileSync(join(dir, "CERT.RSA"), entry(apk, "META-INF/CERT.RSA"));
    writeFileSync(join(dir, "CERT.SF"), entry(apk, "META-INF/CERT.SF"));
    writeFileSync(join(dir, "bad.SF"), te(td(entry(apk, "META-INF/CERT.SF")) + "X: 1\r\n"));
    writeFileSync(join(dir, "ca.pem"), toPem(good.cert.der));
    const args = (sf: string) => ["cms", "-verify", "-binary", "-inform", "DER", "-in", join(dir, "CERT.RSA"), "-content", join(dir, sf), "-CAfile", join(dir, "ca.pem"), "-purpose", "any", "-out", "/dev/null"];
    const ok = openssl(args("CERT.SF"));
    expect(ok.stderr).toMatch(/Verification successful/);
    expect(ok.status).toBe(0);
    expect(openssl(args("bad.SF")).status).not.toBe(0);
  });
});
