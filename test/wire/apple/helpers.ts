// SPDX-License-Identifier: MIT
/** Certificates for Apple wire tests: a CA and a leaf from the test key pool (no keygen). */
import { crypto, testKeys } from "../../support/scep-harness.js";
import { buildCertificate, parseCertificate, type Certificate } from "../../../src/wire/x509/certificate.js";
import { basicConstraints } from "../../../src/wire/x509/extensions.js";
import type { PrivateKey } from "../../../src/ports/crypto.js";

export { crypto };

export interface TestPki {
  ca: Certificate;
  caKey: PrivateKey;
  leaf: Certificate;
  leafKey: PrivateKey;
  other: Certificate;
  otherKey: PrivateKey;
}

export async function testPki(): Promise<TestPki> {
  const keys = await testKeys();
  const caKey = await keys.rsa(0);
  const leafKey = await keys.rsa(1);
  const otherKey = await keys.rsa(2);
  const now = Date.now();
  const mk = (serial: number, subject: string, issuer: string, spki: Uint8Array, key: PrivateKey, ca: boolean) =>
    parseCertificate(
      buildCertificate(
        { serial: Uint8Array.from([serial]), issuer, subject, notBefore: new Date(now - 3600_000), notAfter: new Date(now + 86400_000), spki, extensions: [basicConstraints(ca)] },
        key,
        "sha256",
        crypto,
      ),
    );
  const ca = mk(1, "CN=test CA", "CN=test CA", caKey.spki, caKey, true);
  const leaf = mk(2, "CN=leaf", "CN=test CA", leafKey.spki, caKey, false);
  const other = mk(3, "CN=other", "CN=other", otherKey.spki, otherKey, false);
  return { ca, caKey, leaf, leafKey, other, otherKey };
}
