// SPDX-License-Identifier: MIT
/** Configuration of the embedded SCEP CA (the scenario's `embedded.scep` block). */
import type { FailInfo } from "../../wire/scep/vocabulary.js";
import type { CertRepEncoding } from "../../wire/scep/certrep-encoding.js";
import type { KeyUsage } from "../../wire/x509/extensions.js";

export interface ScepServerConfig {
  /** Challenge password the CA accepts. */
  challenge: string;
  /** Answer PENDING this many times per transaction (PKCSReq counts as the first) before issuing. */
  pending: number;
  /** Always answer FAILURE with this failInfo (fault scenarios). */
  failInfo?: FailInfo;
  /**
   * Serve an RA + CA set; the RA signs CertReps and receives envelopes (the server decrypts with the RA key only).
   * `{ keyUsage }` describes the RA certificate's keyUsage extension: the bits, or `none` (no extension at all).
   */
  ra: boolean | RaCertificateSpec;
  /**
   * The CA issues from an intermediate (`embedded.scep.chain`): GetCACert then answers application/x-x509-ca-ra-cert, a
   * degenerate PKCS#7 with the issuing intermediate (and the RA, if any) as leaf, the CAs above it and the root when
   * `root` (RFC 8894 §4.2.1.2). Absent: the root CA issues and GetCACert answers its certificate alone (or RA + CA).
   */
  chain?: CaChainSpec;
  /** GetCACaps keywords. */
  caps: string[];
  validityDays: number;
  /** Largest PKIOperation body accepted. */
  maxRequestBytes: number;
  /**
   * Deliberate server misbehaviour, for fault scenarios and client tests (field-failures.md
   * `apple-scep-malformed-response`): the CertRep is wrong in exactly this one way.
   */
  fault?: ScepServerFault;
  /** Accept single-DES request envelopes (micromdm scepclient sends them). Default true. */
  allowSingleDes: boolean;
  /**
   * Refuse a PKCSReq whose subject already has a certificate (FAILURE badRequest), as Debian's
   * scepserver does without `-allowrenew` (field-failures.md `apple-scep-duplicate-subject`). Default false.
   */
  rejectDuplicateSubject?: boolean;
  /** Issued certificates' NotBefore lies this many seconds before the server's now (default 300; micromdm/scep's depot signer 600). */
  backdateSeconds?: number;
  /**
   * When set, a request whose signingTime (the device's clock) is further than this many seconds
   * from the server's clock is refused with FAILURE badTime (RFC 8894 §3.2.1.4.5). Unset (default):
   * not compared with the server's clock, as micromdm/scep and Debian's scepserver do not.
   */
  clockSkewSeconds?: number;
  /**
   * How every CertRep is encoded (wire/scep/certrep-encoding.ts): SignerInfo.digestAlgorithm's form and the
   * SUCCESS envelope's content cipher, as real CAs wrote them. Absent: RFC 5652 / RFC 8894.
   */
  certRep?: CertRepEncoding;
}

/** How the RA certificate is built (`embedded.scep.ra: { keyUsage }`). Default keyUsage: digitalSignature, keyEncipherment. */
export interface RaCertificateSpec {
  keyUsage?: KeyUsage[] | "none";
}

/**
 * An issuing intermediate under the root (`embedded.scep.chain`). `intermediates`: CAs between the root and the issuer
 * (1: root → issuing CA). `root`: whether GetCACert's set holds the root too (default true; clients pin it by
 * fingerprint). `keyUsage`: the issuing CA certificate's keyUsage (default keyCertSign, cRLSign, digitalSignature, as the
 * root's; RFC 8894 §2.1.2 asks keyEncipherment too of a CA that decrypts requests itself). `answer`: what GetCACert
 * serves with no RA — `chain` (default), the PKCS#7 set; `issuing-ca`, the issuing CA's certificate alone as
 * application/x-x509-ca-cert (NeySlim/ultimate-ca-manager PR #102's answer). With an RA the set is always served.
 */
export interface CaChainSpec {
  intermediates: number;
  root?: boolean;
  keyUsage?: KeyUsage[];
  answer?: "chain" | "issuing-ca";
}

export { SCEP_SERVER_FAULTS, type ScepServerFault } from "../../wire/scep/faults.js";
import type { ScepServerFault } from "../../wire/scep/faults.js";

export const DEFAULT_CAPS = ["Renewal", "SHA-1", "SHA-256", "SHA-512", "AES", "DES3", "SCEPStandard", "POSTPKIOperation"];

export const defaultScepConfig = (): ScepServerConfig => ({
  challenge: "enrollsim-challenge",
  pending: 0,
  ra: false,
  caps: [...DEFAULT_CAPS],
  validityDays: 365,
  maxRequestBytes: 256 * 1024,
  allowSingleDes: true,
});
