// SPDX-License-Identifier: MIT
/**
 * Knox Mobile Enrollment's profile request (GET_PROFILE, `kme.json`) with Knox attestation, strict: Samsung KBA
 * 360039680333 (docs.samsungknox.com/admin/knox-mobile-enrollment/kbas/kba-360039680333) shows the device's first request
 * answered 401 `{"nonce":"..."}` and, for a blob with invalid values, the second one 400 with
 * `ServerNestedRuntimeException: { "error" : "invalid nonce/blob"}`. Samsung's attestation server "checks the validity of
 * the blob using the signature and public key certificate. It then parses the integrity measurements" (Knox Attestation
 * API 2.0). The reference server refuses, with that 400, a blob it cannot read, one whose nonce it did not issue (or
 * issued more than 10 minutes ago, or already saw), and one that claims official firmware (verdict Yes) while its
 * measurements are not those of the firmware build the device names. A device that attests as not official (verdict
 * No, warranty bit) gets its profile: what KME does with it is not published (the Advanced Profile's lock is
 * device/android/knox-attestation.ts). The signature is not checked (enrollsim has no Samsung keys).
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { KME_ATTESTATION_HEADER, KME_INVALID_NONCE_BLOB, officialMeasurements, readKnoxBlob } from "../../wire/android/knox-attestation.js";
import type { KnoxAttestationService } from "./knox-attestation.js";
import { jsonRes } from "./respond.js";

const invalid = (): HttpResponse => jsonRes(400, { error: KME_INVALID_NONCE_BLOB });

/** The challenge or refusal for a KME profile request, or undefined when its attestation holds and the profile may be served. */
export function kmeAttestationGate(svc: KnoxAttestationService, req: HttpRequest, url: URL): HttpResponse | undefined {
  const header = req.headers?.[KME_ATTESTATION_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return jsonRes(401, { nonce: svc.issueNonce() });
  if (value.length > 24_000 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return invalid();
  let blob;
  try {
    blob = readKnoxBlob(new Uint8Array(Buffer.from(value, "base64")));
  } catch {
    return invalid();
  }
  if (!blob.data || !svc.takeNonce(blob.data.nonce)) return invalid();
  const build = url.searchParams.get("build");
  if (blob.data.verdict === "Yes" && (!build || !officialMeasurements(build, blob.data.measurements))) return invalid();
  return undefined;
}
