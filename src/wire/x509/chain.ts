// SPDX-License-Identifier: MIT
/**
 * Path building as Apple's trust evaluation does it for a signer (SecTrust, RFC 4158 style):
 * from the leaf, look for an issuer among the supplied intermediates and the anchors (by subject
 * name, then by a signature that verifies with the candidate's key); an anchor ends the path; an
 * intermediate must be a CA; depth-first with backtracking, so a same-named impostor does not
 * hide the genuine issuer, and bounded so a hostile certificate set cannot loop.
 * Validity periods are not checked here (the wire layer has no clock).
 */
import type { CryptoPort } from "../../ports/crypto.js";
import { sameBytes, verifyCertificateSignature, type Certificate } from "./certificate.js";

export const MAX_CHAIN_DEPTH = 8;

/** The path from `leaf` to an anchor (leaf first, anchor last), or undefined when none verifies. */
export function buildChain(leaf: Certificate, intermediates: Certificate[], anchors: Certificate[], crypto: Pick<CryptoPort, "verify">): Certificate[] | undefined {
  const isAnchor = (c: Certificate) => anchors.some((a) => sameBytes(a.der, c.der));
  const walk = (cert: Certificate, path: Certificate[]): Certificate[] | undefined => {
    if (isAnchor(cert)) return [...path, cert];
    if (path.length >= MAX_CHAIN_DEPTH) return undefined;
    for (const issuer of [...anchors, ...intermediates]) {
      if (!sameBytes(issuer.subjectDer, cert.issuerDer) || path.some((p) => sameBytes(p.der, issuer.der)) || sameBytes(issuer.der, cert.der)) continue;
      if (!issuer.isCA && !isAnchor(issuer)) continue;
      if (!verifyCertificateSignature(cert, issuer.spki, crypto)) continue;
      const found = walk(issuer, [...path, cert]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(leaf, []);
}
