// SPDX-License-Identifier: MIT
/**
 * Stand-in for the firmware-TPM manufacturers' EK certificate services (Intel ekop.intel.com, AMD
 * ftpm.amd.com, Qualcomm ekcert.spserv.microsoft.com; src/runner/network/services.ts maps the path to
 * those hosts): GET /windows/tpm/ekcert/<intel|amd|qualcomm>/<ek id> answers a DER certificate. It is a
 * placeholder issued by the enrollsim TEST device CA (subject says so), not an EK certificate: enrollsim
 * runs no EK/AIK exchange (src/device/windows/state.ts). The real services' answer formats are not
 * reproduced.
 */
import type { CryptoPort } from "../../ports/crypto.js";
import type { HttpResponse } from "../../ports/http.js";
import { testDeviceCa } from "../../wire/apple/device-ca.js";
import { buildCertificate } from "../../wire/x509/certificate.js";
import { basicConstraints, keyUsage } from "../../wire/x509/extensions.js";

export const EK_CERT_PATH = /^\/windows\/tpm\/ekcert\/(intel|amd|qualcomm)\/([0-9a-f]{8,64})$/;

export function ekCertificate(path: string, crypto: CryptoPort, now: number): HttpResponse | undefined {
  const m = EK_CERT_PATH.exec(path);
  if (!m) return undefined;
  const ca = testDeviceCa(crypto);
  const serial = crypto.digest("sha256", new TextEncoder().encode(`ekcert:${m[2]}`)).slice(0, 8);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const der = buildCertificate(
    {
      serial,
      issuer: ca.cert.subjectDer,
      subject: [[{ type: "CN", value: `enrollsim stand-in EK certificate ${m[2]}` }], [{ type: "O", value: `enrollsim test (${m[1]} firmware TPM)` }]],
      notBefore: new Date(now - 365 * 86_400_000),
      notAfter: new Date(now + 10 * 365 * 86_400_000),
      spki: ca.cert.spki,
      extensions: [basicConstraints(false), keyUsage(["keyEncipherment"])],
    },
    ca.key,
    "sha256",
    crypto,
  );
  return { status: 200, headers: { "content-type": "application/pkix-cert" }, body: der, url: "" };
}
