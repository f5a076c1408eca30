// SPDX-License-Identifier: MIT
/**
 * The enrollsim TEST device CA: stands in for Apple's device identity CA when devices sign
 * MachineInfo (ADE) and account-driven enrollment requests. Its key is a fixed, PUBLISHED test
 * key (it is in this source file), so a server under test can be told to trust the CA
 * certificate; nothing it signs is Apple-issued, and reports say so.
 */
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import { buildCertificate, parseCertificate, type Certificate } from "../../wire/x509/certificate.js";
import { basicConstraints, keyUsage, subjectKeyIdentifier, authorityKeyIdentifier } from "../../wire/x509/extensions.js";
import { keyIdentifier } from "../../wire/x509/certificate.js";

/** PKCS#8 DER (base64) of the test device CA's EC P-256 key. Public on purpose: TEST ONLY. */
const TEST_DEVICE_CA_KEY =
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQ88AuWx1DmtKrm8ZLKKhfjRzoMMStSNZunez8y1ag5WhRANCAARNz8a4ZUxxYg8gwwa35wUvkiPVTcm+k8gZYO22MsrchPOTq0gM4PT0pVNpNvwt5kNDbBVoVhI1j0JLUswppl0t";

export const DEVICE_CA_SUBJECT = "CN=enrollsim TEST device CA (not Apple-issued),O=enrollsim";
/** Fixed validity so every process builds the same TBS (ECDSA signatures still differ). */
const NOT_BEFORE = new Date("2024-01-01T00:00:00Z");
const NOT_AFTER = new Date("2044-01-01T00:00:00Z");

export interface DeviceCa {
  cert: Certificate;
  key: PrivateKey;
}

const cache = new WeakMap<CryptoPort, DeviceCa>();

/** The test device CA (certificate built once per CryptoPort). */
export function testDeviceCa(crypto: CryptoPort): DeviceCa {
  const hit = cache.get(crypto);
  if (hit) return hit;
  const key = crypto.importPrivateKey(new Uint8Array(Buffer.from(TEST_DEVICE_CA_KEY, "base64")));
  const der = buildCertificate(
    {
      serial: Uint8Array.from([0x0a, 0x99]),
      issuer: DEVICE_CA_SUBJECT,
      subject: DEVICE_CA_SUBJECT,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      spki: key.spki,
      extensions: [basicConstraints(true), keyUsage(["keyCertSign", "cRLSign", "digitalSignature"]), subjectKeyIdentifier(keyIdentifier(key.spki, crypto))],
    },
    key,
    "sha256",
    crypto,
  );
  const ca = { cert: parseCertificate(der, "test device CA"), key };
  cache.set(crypto, ca);
  return ca;
}

/** A device identity certificate issued by the test device CA for `key` (a key-pool key: no keygen). */
export function issueDeviceIdentity(crypto: CryptoPort, key: PrivateKey, serialNumber: string, udid: string, serial: Uint8Array, now: number): { cert: Certificate; key: PrivateKey } {
  const ca = testDeviceCa(crypto);
  const der = buildCertificate(
    {
      serial,
      issuer: ca.cert.subjectDer,
      subject: [[{ type: "CN", value: udid }], [{ type: "SERIALNUMBER", value: serialNumber }], [{ type: "O", value: "enrollsim test device" }]],
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 3 * 365 * 86_400_000),
      spki: key.spki,
      extensions: [basicConstraints(false), keyUsage(["digitalSignature"]), authorityKeyIdentifier(keyIdentifier(ca.cert.spki, crypto))],
    },
    ca.key,
    "sha256",
    crypto,
  );
  return { cert: parseCertificate(der, "device identity"), key };
}
