// SPDX-License-Identifier: MIT
/**
 * Exports the enrollsim TEST device CA (the stand-in for Apple's device identity CA that signs
 * MachineInfo in ADE flows) so a server under test can be told to trust it. For the
 * `enrollsim apple device-ca --out DIR` command (to be registered by the CLI).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NodeCrypto } from "../../platform/node/crypto.js";
import type { CryptoPort } from "../../ports/crypto.js";
import { DEVICE_CA_SUBJECT, testDeviceCa } from "../../wire/apple/device-ca.js";
import { toPem } from "../../wire/x509/certificate.js";

export interface DeviceCaExport {
  certPath: string;
  subject: string;
  sha256: string;
}

/** The test device CA certificate as PEM. */
export function deviceCaPem(crypto: CryptoPort = new NodeCrypto()): string {
  return toPem(testDeviceCa(crypto).cert.der);
}

/** Writes device-ca.pem (and a README) into `dir`; returns what was written. */
export function exportDeviceCa(dir: string, crypto: CryptoPort = new NodeCrypto()): DeviceCaExport {
  mkdirSync(dir, { recursive: true });
  const ca = testDeviceCa(crypto).cert;
  const certPath = join(dir, "device-ca.pem");
  writeFileSync(certPath, toPem(ca.der));
  writeFileSync(
    join(dir, "README.txt"),
    [
      "enrollsim TEST device CA",
      "",
      `Subject: ${DEVICE_CA_SUBJECT}`,
      "Simulated Apple devices sign MachineInfo (ADE) with identities issued by this CA.",
      "Its private key is published in enrollsim's source: trust it only on test servers.",
      "Nothing it signs is Apple-issued.",
      "",
    ].join("\n"),
  );
  return { certPath, subject: ca.subject, sha256: Buffer.from(crypto.digest("sha256", ca.der)).toString("hex") };
}
