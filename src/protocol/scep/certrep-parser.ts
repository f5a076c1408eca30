// SPDX-License-Identifier: MIT
/**
 * A client release's CertRep parser meeting the CA's encoding (wire/scep/certrep-encoding.ts): the device reads the
 * property from the bytes, then does what its release's row in devices/scep-clients/*.yaml says (accept, reject,
 * crash); a property value its release has no row for is refused (the RFC-strict default).
 */
import { ProtocolViolationError } from "../../errors/index.js";
import type { CryptoPort } from "../../ports/crypto.js";
import { contentEncryptionOid } from "../../wire/cms/enveloped-data.js";
import type { SignedData, SignerInfo } from "../../wire/cms/signed-data.js";
import { hashByOid } from "../../wire/oids.js";
import { AES128_GCM_OID, parserRule, type CertRepParser, type CertRepParserRule } from "../../wire/scep/certrep-encoding.js";

/** The code of the error a parser crash raises: the platform shows what its crashed helper leaves (Apple: the XPC connection interrupted). */
export const CERTREP_PARSER_CRASH = "scep.certrep-parser-crash";

const by = (parser: CertRepParser | undefined, rule: CertRepParserRule | undefined): string =>
  rule ? `${parser!.release} ${rule.reaction === "crash" ? "crashes on" : rule.reaction === "reject" ? "refuses" : "accepts"} it (${rule.source})` : "refused: no row of the CertRep parser table accepts it for this release";

/**
 * SignerInfo.digestAlgorithm holding a signature algorithm OID. Returns whether the signature is then checked with the
 * hash that OID names (`accept`); throws for `reject` and `crash`.
 *
 * `crash` is what Apple's Security framework (SecCmsSignedDataVerifySignerInfo) does, and it is done here the same
 * way: digests of the content are computed for the algorithms SignedData.digestAlgorithms lists, and the signer's is
 * looked up by its digestAlgorithm OID; a signature OID finds none, and SecCmsSignerInfoVerify compares the
 * messageDigest attribute with that missing digest (SecCmsAttributeCompareValue: a NULL dereference; crash log in
 * micromdm/scep#76).
 */
export function judgeSignerDigest(sd: SignedData, signer: SignerInfo, parser: CertRepParser | undefined, crypto: Pick<CryptoPort, "digest">): boolean {
  if (!signer.digestAlgorithmIsSignature) return false;
  const rule = parserRule(parser, "signerDigestAlgorithm", "signature");
  const what = `CertRep SignerInfo.digestAlgorithm is ${signer.digestAlgorithmOid}, a signature algorithm where RFC 5652 §5.3 wants the digest algorithm (SignedData.digestAlgorithms: ${sd.digestAlgorithms.join(", ") || "none"})`;
  switch (rule?.reaction ?? "reject") {
    case "accept":
      return true;
    case "reject":
      throw new ProtocolViolationError("scep.certrep-encoding", `${what}; ${by(parser, rule)}`);
    case "crash": {
      const content = sd.content ?? new Uint8Array(0);
      const computed = new Map(sd.digestAlgorithms.flatMap((o) => (hashByOid[o] ? [[o, crypto.digest(hashByOid[o], content)] as const] : [])));
      if (!computed.has(signer.digestAlgorithmOid)) {
        throw new ProtocolViolationError(CERTREP_PARSER_CRASH, `${what}: no digest was computed for it, and the messageDigest comparison dereferences the missing one; ${by(parser, rule)}`);
      }
      return true;
    }
  }
}

/** The envelope's content cipher, read before decrypting: AES-128-GCM in an EnvelopedData goes by the release's row (default: refused). */
export function judgeContentCipher(envelope: Uint8Array, parser: CertRepParser | undefined): void {
  if (contentEncryptionOid(envelope, "CertRep envelope") !== AES128_GCM_OID) return;
  const rule = parserRule(parser, "contentCipher", "aes-128-gcm");
  const what = `CertRep envelope is encrypted with id-aes128-GCM (${AES128_GCM_OID}) in an EnvelopedData`;
  if (rule?.reaction === "crash") throw new ProtocolViolationError(CERTREP_PARSER_CRASH, `${what}; ${by(parser, rule)}`);
  // `accept` is refused by the catalog loader (no GCM decryption is modelled), so every other case refuses.
  throw new ProtocolViolationError("scep.certrep-encoding", `${what}; ${by(parser, rule)}`);
}
