// SPDX-License-Identifier: MIT
/**
 * A firmware TPM's EK certificate retrieval. Microsoft, "Windows Autopilot requirements" (networking,
 * self-deploying mode and pre-provisioning): "Firmware TPM devices, which are only provided by Intel, AMD,
 * or Qualcomm, don't include all needed certificates at boot time and must be able to retrieve them from
 * the manufacturer on first use. Devices with discrete TPM chips come with these certificates
 * preinstalled." The device GETs its certificate from the manufacturer's service; the embedded server
 * stands in for those hosts (src/runner/network/services.ts), so a network that blocks one, a proxy or a
 * fault acts on this request. What the real services answer (Intel a JSON envelope, AMD DER) is not
 * reproduced: the stand-in answers a DER certificate (application/pkix-cert) and the device checks that
 * it is one.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { parseCertificate } from "../../wire/x509/certificate.js";
import { step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";

/** GETs the EK certificate at `url`; throws a TransportError (the network) or a ProtocolViolationError (not a certificate). */
export async function fetchEkCertificate(ctx: ProtocolContext, url: string): Promise<{ subject: string; bytes: number }> {
  return step(ctx, "tpm.ek-certificate", async () => {
    const res = await exchange(ctx, "tpm.ek-certificate", { method: "GET", url });
    const type = mediaType(res);
    if (type !== "application/pkix-cert" && type !== "application/x-x509-ca-cert") {
      throw new ProtocolViolationError("tpm.ek-certificate", `EK certificate service answered ${type || "no content type"}, not a certificate`);
    }
    try {
      const cert = parseCertificate(res.body, "EK certificate");
      return { subject: cert.subject, bytes: res.body.length };
    } catch (err) {
      throw new ProtocolViolationError("tpm.ek-certificate", `EK certificate service answered bytes that are not a DER certificate: ${(err as Error).message}`);
    }
  });
}
