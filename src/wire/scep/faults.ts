// SPDX-License-Identifier: MIT
/**
 * Ways a SCEP CA can get a CertRep wrong (field-failures.md `apple-scep-malformed-response` and
 * friends). The reference CA produces them on request; scenarios name them in `embedded.scep.fault`.
 */
export const SCEP_SERVER_FAULTS = [
  "unknown-signer",
  "cert-for-other-key",
  "wrong-recipient-nonce",
  "wrong-transaction-id",
  "wrong-content-type",
  "not-pkcs7",
  "truncated",
] as const;
export type ScepServerFault = (typeof SCEP_SERVER_FAULTS)[number];
