// SPDX-License-Identifier: MIT
/** SCEP vocabulary (RFC 8894 §3.2.1.2–3.2.1.4): messageType, pkiStatus and failInfo values. */
export const MessageType = {
  CertRep: 3,
  RenewalReq: 17,
  /** Pre-RFC drafts only; RFC 8894 does not define it. Recognised when reading. */
  UpdateReq: 18,
  PKCSReq: 19,
  /** Called GetCertInitial in pre-RFC drafts. */
  CertPoll: 20,
  GetCert: 21,
  GetCRL: 22,
} as const;
export type MessageTypeName = keyof typeof MessageType;
export const messageTypeName = (n: number): string =>
  (Object.entries(MessageType).find(([, v]) => v === n)?.[0] as string | undefined) ?? `unknown(${n})`;

export const PkiStatus = { SUCCESS: "0", FAILURE: "2", PENDING: "3" } as const;
export type PkiStatusName = keyof typeof PkiStatus;
export const pkiStatusName = (s: string): PkiStatusName | undefined =>
  (Object.entries(PkiStatus).find(([, v]) => v === s)?.[0] as PkiStatusName | undefined);

export const FAIL_INFOS = ["badAlg", "badMessageCheck", "badRequest", "badTime", "badCertId"] as const;
export type FailInfo = (typeof FAIL_INFOS)[number];
export const failInfoCode = (f: FailInfo): string => String(FAIL_INFOS.indexOf(f));
export const failInfoName = (code: string): FailInfo | undefined => (/^[0-4]$/.test(code) ? FAIL_INFOS[Number(code)] : undefined);

/** What the user sees for each failInfo (RFC 8894 §3.2.1.4 meanings). */
export const FAIL_INFO_TEXT: Record<FailInfo, string> = {
  badAlg: "unrecognized or unsupported algorithm",
  badMessageCheck: "integrity check (signature verification of the message) failed",
  badRequest: "transaction not permitted or supported (e.g. wrong challenge password)",
  badTime: "the signingTime attribute was not sufficiently close to the system time",
  badCertId: "no certificate could be identified matching the provided criteria",
};

/** GetCACaps keywords (RFC 8894 §3.5.2). */
export const CAPS = ["AES", "DES3", "GetNextCACert", "POSTPKIOperation", "Renewal", "SHA-1", "SHA-256", "SHA-512", "SCEPStandard", "Update"] as const;
