// SPDX-License-Identifier: MIT
/** ZIP-shaped APKs: round trip, v1 signature certificate, and hostile archives (typed ZipErrors, never crashes). */
import { describe, expect, it } from "vitest";
import { buildApk, parseFakeApk } from "../../../src/wire/android/apk.js";
import { encodeUrlSafeBase64 } from "../../../src/wire/android/base64url.js";
import { verifyPackage } from "../../../src/wire/android/verify.js";
import { buildZip, crc32, readZip, ZipError } from "../../../src/wire/android/zip.js";
import { crypto } from "../../support/scep-harness.js";
import { androidServer } from "../../protocol/android/harness.js";

const te = (s: string) => new TextEncoder().encode(s);

describe("ZIP container", () => {
  it("CRC-32 matches the standard check value", () => {
    expect(crc32(te("123456789")).toString(16)).toBe("cbf43926");
  });

  it("round-trips stored entries and tolerates bytes after the EOCD record", () => {
    const z = buildZip([{ name: "a.txt", data: te("hello") }, { name: "META-INF/x", data: new Uint8Array(300).fill(7) }]);
    const back = readZip(z);
    expect([...back.keys()]).toEqual(["a.txt", "META-INF/x"]);
    expect(Buffer.from(back.get("a.txt")!.data!).toString()).toBe("hello");
    const trailing = new Uint8Array(z.length + 1);
    trailing.set(z);
    expect(readZip(trailing).size).toBe(2);
  });

  const base = buildZip([{ name: "a.txt", data: te("hello world") }]);
  const mutate = (f: (b: Uint8Array, v: DataView) => void) => {
    const b = new Uint8Array(base);
    f(b, new DataView(b.buffer));
    return b;
  };
  const eocd = base.length - 22;
  it.each([
    ["truncated (no EOCD)", base.subarray(0, base.length >> 1), "no-eocd"],
    ["empty", new Uint8Array(0), "no-eocd"],
    ["multi-disk", mutate((_b, v) => v.setUint16(eocd + 4, 1, true)), "multi-disk"],
    ["entry count above the limit", mutate((_b, v) => v.setUint16(eocd + 10, 65535, true)), "too-many-entries"],
    ["central directory offset past the EOCD", mutate((_b, v) => v.setUint32(eocd + 16, 0x7fffffff, true)), "bad-central-directory"],
    ["more entries than the central directory holds", mutate((_b, v) => v.setUint16(eocd + 10, 2, true)), "bad-central-directory"],
    ["local header offset wrong", mutate((_b, v) => v.setUint32(v.getUint32(eocd + 16, true) + 42, 5, true)), "bad-local-header"],
    ["CRC flipped", mutate((b) => (b[30 + 5] ^= 0xff)), "crc-mismatch"],
    ["stored size beyond the data", mutate((_b, v) => { const cd = v.getUint32(eocd + 16, true); v.setUint32(cd + 20, 1 << 30, true); v.setUint32(cd + 24, 1 << 30, true); }), "out-of-bounds"],
    ["name not UTF-8", mutate((b, v) => (b[v.getUint32(eocd + 16, true) + 46] = 0xff)), "bad-name"],
  ] as const)("%s → ZipError %s", (_n, bytes, problem) => {
    try {
      readZip(bytes, { maxEntries: 1000 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ZipError);
      expect((e as ZipError).problem).toBe(problem);
    }
  });

  it("a deflated entry is listed without data", () => {
    const z = mutate((_b, v) => v.setUint16(v.getUint32(eocd + 16, true) + 10, 8, true));
    const e = readZip(z).get("a.txt")!;
    expect(e.method).toBe(8);
    expect(e.data).toBeUndefined();
  });
});

describe("ZIP-shaped APK with a v1 signature", () => {
  it("carries the manifest, MANIFEST.MF digests and the signer certificate; the signature checksum is SHA-256 of its DER", async () => {
    const { server } = await androidServer();
    const signer = { cert: server.scep.id.ca, key: server.scep.id.caKey };
    const apk = buildApk({ packageName: "com.example.dpc", versionCode: 7, versionName: "7", receivers: ["com.example.dpc.Admin"] }, signer, crypto);
    expect(Buffer.from(apk.subarray(0, 4)).toString("latin1")).toBe("PK\x03\x04");
    const z = readZip(apk);
    expect([...z.keys()]).toEqual(["AndroidManifest.json", "classes.dex", "META-INF/MANIFEST.MF", "META-INF/CERT.SF", "META-INF/CERT.RSA"]);
    expect(Buffer.from(z.get("META-INF/MANIFEST.MF")!.data!).toString()).toContain(`Name: classes.dex\r\nSHA-256-Digest: ${Buffer.from(crypto.digest("sha256", z.get("classes.dex")!.data!)).toString("base64")}`);
    const parsed = parseFakeApk(apk)!;
    expect(parsed).toMatchObject({ packageName: "com.example.dpc", versionCode: 7, receivers: ["com.example.dpc.Admin"] });
    expect(Buffer.from(parsed.signers[0]!).equals(Buffer.from(signer.cert.der))).toBe(true);
    const sig = crypto.digest("sha256", signer.cert.der);
    const out = verifyPackage(apk, { signatureChecksum: sig }, { pkg: "com.example.dpc", cls: "com.example.dpc.Admin" }, crypto);
    expect(out).toMatchObject({ ok: true, matched: "signature", computed: encodeUrlSafeBase64(sig, false) });
    // truncated / corrupt archives are unreadable: ERROR_DEVICE_ADMIN_MISSING
    expect(verifyPackage(apk.subarray(0, apk.length >> 1), { signatureChecksum: sig }, undefined, crypto)).toMatchObject({ ok: false, error: "admin-missing", aospCode: 1 });
    const corrupt = new Uint8Array(apk);
    corrupt[100] ^= 0xff;
    expect(parseFakeApk(corrupt)).toBeUndefined();
  });
});
