// SPDX-License-Identifier: MIT
/**
 * Runs the parser/validator an annotation names against a fixture, with the standard context
 * of the fixture exchange: the device enrolled through the single-CA GetCACert answer, sent
 * pkcsreq.der, and every CertRep answers it.
 */
import { NodeCrypto } from "../../../src/platform/node/crypto.js";
import { chainFromResponse } from "../../../src/protocol/scep/ca-chain.js";
import { checkCertRep } from "../../../src/protocol/scep/certrep.js";
import { findSignerCert, verifySigner } from "../../../src/wire/cms/signed-data.js";
import { parsePkiMessage } from "../../../src/wire/scep/message.js";
import { nonce, type Golden } from "./golden.js";
import { readFixture } from "./fixture-files.js";
import type { Expectation } from "./mutations.js";

export const CT = {
  pki: "application/x-pki-message",
  ca: "application/x-x509-ca-cert",
  caRa: "application/x-x509-ca-ra-cert",
} as const;

/** Runs one check and returns a plain summary of its result (or throws what the check throws). */
export function runCheck(exp: Expectation, der: Uint8Array, golden: Golden): Record<string, unknown> {
  const crypto = new NodeCrypto();
  switch (exp.check) {
    case "parsePkiMessage": {
      const m = parsePkiMessage(der);
      return {
        messageType: m.messageType,
        transactionID: m.transactionID,
        pkiStatus: m.pkiStatus,
        pkiStatusRaw: m.pkiStatusRaw,
        failInfo: m.failInfo,
        failInfoRaw: m.failInfoRaw,
        hasEnvelope: m.envelope !== undefined,
      };
    }
    case "verifySigner": {
      const m = parsePkiMessage(der);
      const cert = findSignerCert(m.signer, m.signedData.certificates);
      if (!cert) return { ok: false, reason: "signer certificate not in message" };
      return { ...verifySigner(m.signedData, m.signer, cert.spki, crypto) };
    }
    case "checkCertRep": {
      const chain = chainFromResponse(CT.ca, readFixture("getcacert-single.der"), crypto);
      const rep = checkCertRep(
        exp.contentType ?? CT.pki,
        der,
        {
          transactionID: golden.transactionID,
          senderNonce: nonce("pkcsreq"),
          signerCert: golden.certs.deviceSigner,
          signerKey: golden.keys.device,
          requestedSpki: golden.keys.device.spki,
          now: Date.UTC(2026, 0, 1),
          chain,
          lenientNonce: exp.options?.lenientNonce,
        },
        crypto,
      );
      return {
        status: rep.status,
        failInfo: rep.message.failInfo,
        failInfoRaw: rep.message.failInfoRaw,
        failInfoText: rep.message.failInfoText,
        findings: rep.findings,
        issuedSerial: rep.status === "SUCCESS" ? rep.certificate.serialHex : undefined,
      };
    }
    case "chainFromResponse": {
      const chain = chainFromResponse(exp.contentType ?? CT.caRa, der, crypto);
      return {
        form: chain.form,
        ca: chain.ca.subject,
        encryption: chain.encryption.subject,
        verification: chain.verification.subject,
        certificates: chain.all.length,
      };
    }
  }
}

/** YAML null means "absent": turns nulls into undefined for toMatchObject. */
export function nullsToUndefined(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null ? undefined : x]));
}
