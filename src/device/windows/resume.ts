// SPDX-License-Identifier: MIT
/**
 * Exactly-once resume of a Windows enrollment (issue 13 #5). Once the WSTEP response's
 * wap-provisioningdoc is applied (the enrollment certificate stored with its key, ADDR and DMClient
 * settings written), enrolling again would make the server issue a second certificate and count a
 * second enrollment for the DeviceID (MS-MDE2 §3.3: each RequestSecurityToken is one enrollment). So
 * the device saves a `windows.omadm` checkpoint before its first OMA-DM session; a device resumed
 * from it starts its management with a new session (Alert 1201, client-initiated, as after a restart:
 * MS-MDM §2.2.7.2 / Windows' OMA-DM alert 1201) with the certificate it holds, and the server re-sends
 * what it sent but never got a Status for.
 *
 * The checkpoint holds what Windows keeps for the enrollment: the provisioning document as received
 * (certificates; for syncml:auth-md5 also the APPAUTH secret, like the registry does — the fleet
 * store is mode 0600), the device key's pool slot (never the key), the WSTEP request a renewal
 * repeats (without credentials), and the AAD user token a user-driven session presents (Alert 1224
 * AADUserToken), which Windows caches too.
 */
import { SimError } from "../../errors/index.js";
import type { DurablePoint, DurableValue } from "../../ports/checkpoint.js";
import { decoded } from "../../protocol/common/context.js";
import type { Credentials, EnrollInput } from "../../protocol/windows/enroll.js";
import { parseProvisioningDoc } from "../../wire/windows/provisioning.js";
import { applyProvisioningDoc, type Provisioned } from "./provisioning.js";
import type { EnrollRun } from "./run.js";
import { windowsKeyStore } from "./tpm-keys.js";

export const WINDOWS_OMADM = "windows.omadm";

/** Saves `windows.omadm` (one store transaction) before the first OMA-DM session leaves. */
export function saveWindowsCheckpoint(run: EnrollRun, prov: Provisioned, creds: Credentials, entraRegistered: boolean): void {
  const cp = run.p.checkpoint;
  if (!cp) return;
  const { key: _key, ...request } = prov.request;
  cp.save({
    step: WINDOWS_OMADM,
    data: {
      kind: run.o.kind,
      docXml: prov.docXml,
      keySlot: prov.keySlot,
      request: JSON.parse(JSON.stringify(request)) as DurableValue,
      creds: creds.kind === "token" ? { kind: "token", valueType: creds.valueType, token: creds.token } : { kind: creds.kind },
      entraRegistered,
    },
  });
}

/**
 * Rebuilds what management needs from the checkpoint: the applied provisioning document with the
 * device key, the credentials the sessions present, and whether the device is Entra-registered; or
 * why it cannot (another flow kind, the key in the slot is not the certificate's, an unreadable
 * document), in which case the device enrolls again (counted resumed-restart).
 */
export async function restoreWindowsCheckpoint(run: EnrollRun, point: DurablePoint): Promise<{ prov: Provisioned; creds: Credentials; entraRegistered: boolean } | { why: string }> {
  const d = point.data;
  if (d.kind !== run.o.kind) return { why: `the checkpoint is of a ${String(d.kind)} enrollment, this flow is ${run.o.kind}` };
  if (typeof d.docXml !== "string" || typeof d.keySlot !== "number" || typeof d.request !== "object" || d.request === null || Array.isArray(d.request)) {
    return { why: "the checkpoint lacks the provisioning document, key slot or request" };
  }
  try {
    const doc = parseProvisioningDoc(d.docXml);
    const key = await run.ctx.ports.keys.rsa(d.keySlot);
    // Throws provisioning.wrong-key when the key in the slot is not the enrollment certificate's (a replaced key pool).
    const apply = await applyProvisioningDoc(run, doc, key);
    const request = { ...(d.request as unknown as Omit<EnrollInput, "creds" | "key">), key };
    const c = d.creds as Record<string, DurableValue> | undefined;
    // After provisioning only the AAD user token is presented again (LoginStatus alerts); the other kinds authenticated WSTEP alone.
    const creds: Credentials = c?.kind === "token" && typeof c.token === "string" && typeof c.valueType === "string" ? { kind: "token", valueType: c.valueType, token: c.token } : { kind: "onpremise", username: run.upn, password: run.o.password };
    decoded(run.p, "enroll.provision", { resume: `continuing from ${WINDOWS_OMADM} with the certificate of the killed run's enrollment (no new discovery, no new WSTEP request)`, subject: apply.cert.subject, serial: apply.cert.serialHex });
    return {
      prov: { key, doc, apply, keychain: { identities: [{ label: "mdm", certificate: apply.cert, key, chain: apply.roots, keyStore: windowsKeyStore(run.id) }] }, request, docXml: d.docXml, keySlot: d.keySlot },
      creds,
      entraRegistered: d.entraRegistered === true,
    };
  } catch (e) {
    if (e instanceof SimError) return { why: `the checkpoint cannot be used: ${e.message}` };
    throw e;
  }
}

/** Continues from a `windows.omadm` checkpoint a killed run saved; undefined when the device must enroll from the start. */
export async function resumeWindows(run: EnrollRun): Promise<{ prov: Provisioned; creds: Credentials; entraRegistered: boolean } | undefined> {
  const cp = run.p.checkpoint;
  const saved = cp?.saved;
  if (!cp || saved?.step !== WINDOWS_OMADM) return undefined;
  const r = await restoreWindowsCheckpoint(run, saved);
  if ("why" in r) {
    cp.resumed("restart", r.why);
    decoded(run.p, "device", { resume: `checkpoint ${WINDOWS_OMADM} not usable: ${r.why}; enrolling again` });
    return undefined;
  }
  cp.resumed("checkpoint");
  return r;
}
