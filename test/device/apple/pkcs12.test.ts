// SPDX-License-Identifier: MIT
/** PKCS#12 identity payloads: decoded, key imported through the CryptoPort, used as the MDM identity. */
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { issueCertificate } from "../../../src/server/scep/ca.js";
import { buildCsr, parseCsr } from "../../../src/wire/x509/pkcs10.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { buildProfileDict, payloadHeader } from "../../../src/wire/apple/profile.js";
import { openPkcs12 } from "../../../src/wire/apple/pkcs12.js";
import { defaultAppleConfig } from "../../../src/server/apple/server.js";
import { testKeys } from "../../support/scep-harness.js";
import { appleWorld, crypto, URLS } from "./harness.js";

function p12(keyPkcs8: Uint8Array, certDer: Uint8Array, password: string): Uint8Array {
  const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(Buffer.from(keyPkcs8).toString("binary")));
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(certDer).toString("binary")));
  const asn = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: "3des" });
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn).getBytes(), "binary"));
}

describe("PKCS#12 identities", () => {
  it("an enrollment profile whose MDM identity is a PKCS#12 payload enrolls over mTLS", async () => {
    let profile = new Uint8Array(0);
    const w = await appleWorld({}, {}, (h) => async (req) => (new URL(req.url).pathname === "/custom.mobileconfig" ? { status: 200, headers: { "content-type": "application/x-apple-aspen-config" }, body: profile, url: "" } : h(req)));
    const key = await (await testKeys()).rsa(5);
    const cert = issueCertificate(w.ref.scep.id, parseCsr(buildCsr({ subject: "CN=p12 device" }, key, "sha256", crypto)), Uint8Array.from([0x42]), w.clock.now(), 30, crypto);
    const data = p12(crypto.exportPrivateKey(key), cert.der, "p12-secret");
    const opened = openPkcs12(data, "p12-secret");
    expect(opened.certificate.subject).toBe("CN=p12 device");
    expect(() => openPkcs12(data, "wrong")).toThrow(/cannot be opened/);
    profile = buildPlistBytes(
      buildProfileDict({
        identifier: "com.example.p12",
        uuid: "P-0",
        displayName: "PKCS#12 enrollment",
        payloads: [
          { ...payloadHeader("com.apple.security.root", "com.example.p12.root", "P-1", "root"), PayloadContent: w.ref.scep.id.ca.der },
          { ...payloadHeader("com.apple.security.pkcs12", "com.example.p12.id", "P-2", "identity"), PayloadContent: data, Password: "p12-secret" },
          {
            ...payloadHeader("com.apple.mdm", "com.example.p12.mdm", "P-3", "mdm"),
            IdentityCertificateUUID: "P-2",
            Topic: defaultAppleConfig().topic,
            ServerURL: `${URLS.https}/apple/mdm`,
            CheckInURL: `${URLS.https}/apple/checkin`,
          },
        ],
      }),
    );
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-profile", { apple: { profileUrl: `${URLS.https}/custom.mobileconfig` } });
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect(r.keychain.identities[0]!.certificate.subject).toBe("CN=p12 device");
    expect(w.ref.scep.stats.issued).toBe(0);
    // Wrong password: the profile is refused with the import error.
    profile = new Uint8Array(Buffer.from(Buffer.from(profile).toString("utf8").replace("<string>p12-secret</string>", "<string>nope</string>")));
    expect(await w.run(await w.device("iphone-15", 1), "ios-profile", { apple: { profileUrl: `${URLS.https}/custom.mobileconfig` } })).toMatchObject({ ok: false, code: "apple.profile.pkcs12-import", step: "profile.pkcs12" });
  });
});
