// SPDX-License-Identifier: MIT
/**
 * "Securing your hardware" on a firmware TPM: before attesting, the PC fetches its EK certificate from
 * the TPM's manufacturer (Microsoft, "Windows Autopilot requirements", networking: firmware TPMs "must be
 * able to retrieve them from the manufacturer on first use"; "For each firmware TPM provider, make sure that
 * the appropriate URL is accessible": Intel https://ekop.intel.com/ekcertservice, Qualcomm
 * https://ekcert.spserv.microsoft.com/EKCertificate/GetEKCertificate/v1, AMD https://ftpm.amd.com/pki/aia).
 * A discrete TPM has it preinstalled and fetches nothing. The request goes to the embedded server's
 * stand-in for the manufacturer's host, so `networks` (blocked hosts, proxy, TLS inspection), the
 * timeline's `offline` and `faults` (`match: { step: tpm.ek-certificate }`) act on it.
 *
 * What the device shows when the retrieval fails is not published: enrollsim shows the screen "Securing
 * your hardware (Failed: …)" with the WinHTTP error of the failed request (0x80072EFD cannot connect,
 * 0x80072EE7 name not resolved, 0x80072EE2 timed out, 0x80072F8F TLS, 0x8019xxxx an HTTP status). An
 * answer that is not a certificate leaves the attestation without an EK certificate: it ends as a TPM
 * that cannot attest does, ERROR_TIMEOUT (0x800705B4).
 */
import { ProtocolViolationError, ScenarioError, TransportError } from "../../errors/index.js";
import { decoded } from "../../protocol/common/context.js";
import { fetchEkCertificate } from "../../protocol/windows/tpm-ek.js";
import { transportHresult } from "./msi-content.js";
import type { EnrollRun } from "./run.js";

/** The manufacturer's EK certificate service (the stand-in path on the embedded server; services.ts maps it to the real host). */
export const EK_SERVICE_HOSTS = { intel: "ekop.intel.com", amd: "ftpm.amd.com", qualcomm: "ekcert.spserv.microsoft.com" } as const;

/** undefined when nothing had to be fetched or the fetch worked; else the failure for the Securing-your-hardware screen. */
export async function firmwareEkCertificate(run: EnrollRun): Promise<{ hresult: number; why: string } | undefined> {
  const t = run.state.tpm;
  if (t.kind !== "firmware" || t.version !== "2.0") return undefined;
  const maker = t.manufacturer ?? "intel";
  if (!(maker in EK_SERVICE_HOSTS))
    throw new ScenarioError(`state.tpm: kind firmware with manufacturer ${maker}: firmware TPMs are made by intel, amd or qualcomm (Windows Autopilot requirements, networking); ${maker} makes discrete chips (kind: discrete)`);
  const host = EK_SERVICE_HOSTS[maker as keyof typeof EK_SERVICE_HOSTS];
  if (!run.https) {
    decoded(run.p, "tpm.ek-certificate", { manufacturer: maker, host, note: "no embedded server: no stand-in for the manufacturer's EK certificate service, nothing fetched" });
    return undefined;
  }
  const ekId = Buffer.from(run.p.crypto.digest("sha256", new TextEncoder().encode(`ek:${run.id.serialNumber}`)))
    .toString("hex")
    .slice(0, 32);
  try {
    const got = await fetchEkCertificate(run.p, `${run.https}/windows/tpm/ekcert/${t.manufacturer}/${ekId}`);
    decoded(run.p, "tpm.ek-certificate", { manufacturer: maker, host, ...got });
    return undefined;
  } catch (err) {
    if (err instanceof TransportError && err.kind !== "aborted") {
      return { hresult: transportHresult(err), why: `the firmware TPM (${maker}) could not fetch its EK certificate from ${host}: ${err.message} (the code shown for this cause is not published: this is the WinHTTP error of the request)` };
    }
    if (err instanceof ProtocolViolationError) {
      return { hresult: 0x800705b4, why: `the firmware TPM (${maker}) got no usable EK certificate from ${host}: ${err.message}; attestation cannot complete and times out` };
    }
    throw err;
  }
}
