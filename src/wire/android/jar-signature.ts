// SPDX-License-Identifier: MIT
/**
 * APK v1 (JAR) signature verification as Android does it before it trusts an APK's signer
 * (apksig `V1SchemeVerifier`, the platform's `StrictJarVerifier`; JAR File Specification, "Signed
 * JAR File"):
 *   1. every signature block META-INF/X.RSA|EC|DSA has its signature file META-INF/X.SF; the block
 *      is a CMS SignedData whose signer (found by issuer and serial in the block's certificate set)
 *      signs X.SF detached — the signature is verified natively through the CryptoPort;
 *   2. X.SF's `<alg>-Digest-Manifest` matches MANIFEST.MF; when it does not (or is absent), the
 *      main-attributes digest (if present) and every per-entry section of X.SF must match the
 *      bytes of the manifest section of the same name;
 *   3. every archive entry outside the signature files has a MANIFEST.MF section whose digest
 *      matches its bytes and is listed in every signer's .SF; every manifest section names an
 *      entry that exists.
 * Only then are the signers' certificates the APK's signing certificates. Anything else is a
 * typed outcome (never an exception): the package manager refuses to collect certificates.
 * APK Signature Scheme v2/v3 blocks are not read: enrollsim's APKs carry none (buildApk).
 */
import type { CryptoPort, HashAlg } from "../../ports/crypto.js";
import { findSignerCert, parseSignedData, verifySigner } from "../cms/signed-data.js";
import type { Certificate } from "../x509/certificate.js";
import type { ZipEntry } from "./zip.js";

export type V1Failure = "unsigned" | "no-manifest" | "no-signature-file" | "malformed" | "signer-cert-missing" | "signature-invalid" | "manifest-digest-mismatch" | "entry-digest-mismatch" | "entry-not-signed" | "entry-missing" | "entry-unreadable";

export type V1Outcome = { ok: true; signers: Certificate[]; sigFiles: string[] } | { ok: false; reason: V1Failure; detail: string };

/** Digest attribute names of the JAR specification (`SHA1-Digest`, `SHA-256-Digest`, …). */
const DIGESTS: [string, HashAlg][] = [
  ["SHA-512", "sha512"],
  ["SHA-384", "sha384"],
  ["SHA-256", "sha256"],
  ["SHA1", "sha1"],
  ["SHA-1", "sha1"],
];

export interface ManifestSection {
  /** The section's attributes (continuation lines joined). */
  attrs: Map<string, string>;
  /** The section's raw bytes, including the blank line that ends it (what the .SF digests). */
  bytes: Uint8Array;
}

/** Splits a manifest (MANIFEST.MF or a .SF) into its main section and its named sections. */
export function parseManifest(bytes: Uint8Array): { main: ManifestSection; named: Map<string, ManifestSection> } {
  const sections: ManifestSection[] = [];
  let start = 0;
  let attrs = new Map<string, string>();
  let last: string | undefined;
  let p = 0;
  const dec = new TextDecoder("utf-8");
  while (p < bytes.length) {
    let e = p;
    while (e < bytes.length && bytes[e] !== 0x0a && bytes[e] !== 0x0d) e++;
    const line = dec.decode(bytes.subarray(p, e));
    const next = e < bytes.length && bytes[e] === 0x0d && bytes[e + 1] === 0x0a ? e + 2 : Math.min(e + 1, bytes.length);
    if (line === "") {
      sections.push({ attrs, bytes: bytes.subarray(start, next) });
      attrs = new Map();
      last = undefined;
      start = next;
    } else if (line.startsWith(" ") && last !== undefined) {
      attrs.set(last, attrs.get(last)! + line.slice(1));
    } else {
      const i = line.indexOf(": ");
      if (i > 0) attrs.set((last = line.slice(0, i)), line.slice(i + 2));
    }
    p = next;
  }
  if (start < bytes.length) sections.push({ attrs, bytes: bytes.subarray(start) });
  const main = sections.shift() ?? { attrs: new Map(), bytes: new Uint8Array(0) };
  const named = new Map<string, ManifestSection>();
  for (const s of sections) {
    const name = s.attrs.get("Name");
    if (name !== undefined && !named.has(name)) named.set(name, s);
  }
  return { main, named };
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** Checks the digests a section declares with `suffix` (e.g. "-Digest") against `data`; undefined when it declares none. */
function digestMatches(attrs: Map<string, string>, suffix: string, data: Uint8Array, crypto: Pick<CryptoPort, "digest">): boolean | undefined {
  let seen = false;
  for (const [name, alg] of DIGESTS) {
    const want = attrs.get(`${name}${suffix}`);
    if (want === undefined) continue;
    seen = true;
    if (want.trim() !== b64(crypto.digest(alg, data))) return false;
  }
  return seen ? true : undefined;
}

const SIG_BLOCK = /^META-INF\/([^/]+)\.(RSA|EC|DSA)$/i;
/** Entries the v1 scheme does not cover (apksig: the manifest, signature files and blocks, SIG-* files). */
const isSignatureEntry = (n: string) => n === "META-INF/MANIFEST.MF" || /^META-INF\/[^/]+\.(SF|RSA|EC|DSA)$/i.test(n) || /^META-INF\/SIG-[^/]*$/i.test(n);

export function verifyApkV1(entries: Map<string, ZipEntry>, crypto: Pick<CryptoPort, "digest" | "verify">): V1Outcome {
  const fail = (reason: V1Failure, detail: string): V1Outcome => ({ ok: false, reason, detail });
  const blocks = [...entries.values()].filter((e) => SIG_BLOCK.test(e.name));
  if (blocks.length === 0) return fail("unsigned", "no META-INF/*.RSA, *.EC or *.DSA signature block");
  const mfEntry = entries.get("META-INF/MANIFEST.MF");
  if (!mfEntry?.data) return fail("no-manifest", "META-INF/MANIFEST.MF is missing");
  const mf = parseManifest(mfEntry.data);
  const signers: Certificate[] = [];
  const signed: Set<string>[] = [];
  const sigFiles: string[] = [];
  for (const block of blocks) {
    const sfName = `META-INF/${SIG_BLOCK.exec(block.name)![1]}.SF`;
    const sf = entries.get(sfName)?.data;
    if (!sf) return fail("no-signature-file", `${block.name} has no ${sfName}`);
    if (!block.data) return fail("entry-unreadable", `${block.name} is compressed`);
    let sd;
    try {
      sd = parseSignedData(block.data, block.name);
    } catch (e) {
      return fail("malformed", `${block.name}: ${(e as Error).message}`);
    }
    const si = sd.signers[0];
    if (!si || sd.signers.length !== 1) return fail("malformed", `${block.name} has ${sd.signers.length} signers (one expected)`);
    const cert = findSignerCert(si, sd.certificates);
    if (!cert) return fail("signer-cert-missing", `${block.name}: the signer's certificate is not in the block`);
    const check = verifySigner({ ...sd, content: sd.content ?? sf }, si, cert.spki, crypto);
    if (!check.ok || (sd.content && Buffer.compare(Buffer.from(sd.content), Buffer.from(sf)) !== 0)) return fail("signature-invalid", `${block.name} does not verify over ${sfName} (${check.ok ? "encapsulated content differs" : check.reason})`);
    const parsedSf = parseManifest(sf);
    if (digestMatches(parsedSf.main.attrs, "-Digest-Manifest", mfEntry.data, crypto) !== true) {
      if (digestMatches(parsedSf.main.attrs, "-Digest-Manifest-Main-Attributes", mf.main.bytes, crypto) === false) return fail("manifest-digest-mismatch", `${sfName}: main attributes digest of MANIFEST.MF does not match`);
      for (const [name, section] of parsedSf.named) {
        const m = mf.named.get(name);
        if (!m) return fail("manifest-digest-mismatch", `${sfName} names ${name}, which MANIFEST.MF does not`);
        if (digestMatches(section.attrs, "-Digest", m.bytes, crypto) !== true) return fail("manifest-digest-mismatch", `${sfName}: digest of the MANIFEST.MF section of ${name} does not match`);
      }
    }
    signers.push(cert);
    signed.push(new Set(parsedSf.named.keys()));
    sigFiles.push(sfName);
  }
  for (const e of entries.values()) {
    if (isSignatureEntry(e.name) || e.name.endsWith("/")) continue;
    const section = mf.named.get(e.name);
    if (!section) return fail("entry-not-signed", `${e.name} has no MANIFEST.MF section`);
    if (!e.data) return fail("entry-unreadable", `${e.name} is compressed (method ${e.method}); its digest cannot be checked here`);
    if (digestMatches(section.attrs, "-Digest", e.data, crypto) !== true) return fail("entry-digest-mismatch", `${e.name}: MANIFEST.MF digest does not match its bytes`);
    const missing = sigFiles.filter((_, i) => !signed[i]!.has(e.name));
    if (missing.length) return fail("entry-not-signed", `${e.name} is not listed in ${missing.join(", ")}`);
  }
  for (const name of mf.named.keys()) if (!entries.has(name)) return fail("entry-missing", `MANIFEST.MF names ${name}, which is not in the archive`);
  return { ok: true, signers, sigFiles };
}
