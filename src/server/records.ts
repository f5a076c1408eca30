// SPDX-License-Identifier: MIT
/**
 * A read-only view of what the embedded reference server holds after (or during) a run: the
 * enrollment records of every half, every certificate issued from the reference CA, and the policy
 * engine's ownership and compliance per enrolled device. `expect.server` asserts on it
 * (api/server-expect.ts). Halves contribute by implementing `ServerHalf.records()`; a new kind of
 * record is one more field here and one more line in the half that holds it.
 */
import type { Certificate } from "../wire/x509/certificate.js";

/** One enrollment record a half holds. */
export interface EnrollmentRecord {
  platform: "apple" | "windows" | "android";
  /** What the record is: "mdm" (Apple check-in), "wstep" (Windows), "amapi", "headwind", … */
  kind: string;
  /** The half's own key for it (UDID, Windows device id, AMAPI device name, …). */
  key: string;
  /** Hardware and enrollment identifiers the record holds (duplicates are found on these). */
  ids: { serial?: string; udid?: string; imei?: string; deviceId?: string; enrollmentId?: string };
  /**
   * Enrollments the server accepted under this key: Apple, the distinct identity certificates that
   * sent Authenticate for the UDID (Authenticate again with the same identity is the same enrollment
   * continuing); Windows, the RequestSecurityTokens that issued a certificate for the DeviceID. More
   * than 1 is the device enrolling again (a re-enrollment or a redone one).
   */
  enrollments?: number;
  /** The record no longer manages the device (checked out, unenrolled, deleted) but is still held. */
  removed?: boolean;
}

/** One certificate issued from the reference CA (by SCEP or by a half's own enrollment service). */
export interface CertificateRecord {
  subject: string;
  serialHex: string;
  /** SHA-256 of the SubjectPublicKeyInfo, hex. */
  keySha256: string;
  notAfter: string;
  /** "scep", or the half that issued it ("windows"). */
  issuedBy: string;
}

/** The policy engine's view of one enrolled device. */
export interface PolicyRecord {
  deviceKey: string;
  platform: string;
  /** The enrolling user the tenant's record keeps (Windows UPN, Android account, the Apple portal's login), when known. */
  user?: string;
  ownership: string;
  compliance: string;
  /** Its service as its licences leave it: licensed, restricted (served what it has, nothing new) or refused (server/policy/licences.ts). */
  licence?: string;
  removed: boolean;
}

/**
 * The SCEP requests the CA received per transaction and CSR subject: how many PKCSReqs (a second
 * one is a device enrolling again) and CertPolls (RFC 8894 §3.3.3) it answered.
 */
export interface ScepRequestRecord {
  transactionID: string;
  subject: string;
  pkcsReqs: number;
  certPolls: number;
}

/** One app for one device: the licence the server could not assign (Apple's error number), or the status the device last reported. */
export interface AppInstallRecord {
  deviceKey: string;
  app: string;
  /** Apple's Apps and Books error number ("9621"), or Intune's code, when the licence could not be assigned. */
  licenceRefusal?: string;
  /** ManagedApplicationList Status last reported ("Managed", "UserRejected", …); "Sent" before any report. */
  status?: string;
}

/** One enrollment invitation an administrator sent (Apple enrollment portal, server/apple/portal.ts). */
export interface InvitationRecord {
  id: string;
  status: "active" | "expired" | "used" | "revoked" | "unknown";
  /** Enrollments that used it. */
  used: number;
}

/**
 * One configuration profile for one device (Windows `embedded.windows.profiles`): what the server knows of it.
 * state: sent (no Status yet), verifying (read back by Get), pending (a SCEP profile the PC accepted and has not
 * reported installed or failed), applied, failed. errorCode: the HRESULT a SCEP profile's ErrorCode node gave (0x…).
 */
export interface ProfileRecord {
  deviceKey: string;
  platform: "windows";
  profile: string;
  state: string;
  errorCode?: string;
  detail?: string;
}

export interface ServerRecords {
  enrollments: EnrollmentRecord[];
  certificates: CertificateRecord[];
  policy: PolicyRecord[];
  /** What the tenant rules refused (enrollments and directory joins), by reason. */
  policyRefusals?: { deviceKey: string; refusal: string }[];
  /** Conditional-access evaluations of sign-ins (server/policy/conditional-access.ts): the result, and whether a report-only policy would not have granted. */
  signIns?: { result: string; reportOnlyFailure: boolean }[];
  scepRequests: ScepRequestRecord[];
  /** Managed app installs (Apple half). */
  apps?: AppInstallRecord[];
  /** Enrollment invitations (Apple enrollment portal). */
  invitations?: InvitationRecord[];
  /** Configuration profiles per device and profile (Windows half). */
  profiles?: ProfileRecord[];
}

/** The certificate as a record (`keySha256` computed by the caller's digest). */
export function certificateRecord(cert: Certificate, issuedBy: string, sha256: (bytes: Uint8Array) => Uint8Array): CertificateRecord {
  return { subject: cert.subject, serialHex: cert.serialHex, keySha256: Buffer.from(sha256(cert.spki)).toString("hex"), notAfter: cert.notAfter.toISOString(), issuedBy };
}

/**
 * Devices the server holds more than one live enrollment record for: records sharing a serial
 * number, UDID, IMEI or device id (within a platform). One entry per such identifier.
 */
export function duplicateEnrollments(records: readonly EnrollmentRecord[]): Array<{ id: string; records: number }> {
  const by = new Map<string, number>();
  for (const r of records) {
    if (r.removed) continue;
    const seen = new Set<string>();
    for (const [k, v] of Object.entries(r.ids)) if (v && k !== "enrollmentId") seen.add(`${r.platform}:${k}:${v}`);
    for (const id of seen) by.set(id, (by.get(id) ?? 0) + 1);
  }
  return [...by].filter(([, n]) => n > 1).map(([id, n]) => ({ id, records: n }));
}

/** Subjects and keys with more than one issued certificate. One entry per such subject or key. */
export function duplicateCertificates(certs: readonly CertificateRecord[]): Array<{ id: string; certificates: number }> {
  const by = new Map<string, number>();
  for (const c of certs) for (const id of [`subject:${c.subject}`, `key:${c.keySha256}`]) by.set(id, (by.get(id) ?? 0) + 1);
  return [...by].filter(([, n]) => n > 1).map(([id, n]) => ({ id, certificates: n }));
}
