// SPDX-License-Identifier: MIT
/**
 * PKCS#12 identity payloads (com.apple.security.pkcs12). node-forge decodes the container
 * (password-based decryption of the key bag: structure and symmetric crypto only); the private
 * key leaves here as PKCS#8 DER for CryptoPort.importPrivateKey, and no private-key operation
 * runs in JS. RSA keys only (node-forge cannot read EC key bags).
 */
import forge from "node-forge";
import { ProtocolViolationError } from "../../errors/index.js";
import { decode, fromBinary } from "../asn1/der.js";
import { parseCertificate, sameBytes, type Certificate } from "../x509/certificate.js";

export interface Pkcs12Identity {
  keyPkcs8: Uint8Array;
  certificate: Certificate;
  chain: Certificate[];
}

const MAX_P12 = 256 * 1024;

/** Opens a PKCS#12; every failure is a ProtocolViolationError("apple.pkcs12", …). */
export function openPkcs12(data: Uint8Array, password: string | undefined): Pkcs12Identity {
  const fail = (m: string): never => {
    throw new ProtocolViolationError("apple.pkcs12", m);
  };
  if (data.length > MAX_P12) fail(`PKCS#12 of ${data.length} bytes is larger than ${MAX_P12}`);
  const obj = decode(data, "PKCS#12");
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(obj, true, password ?? "");
  } catch (e) {
    return fail(`PKCS#12 cannot be opened (wrong password or corrupt): ${(e as Error).message}`);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const key = keyBags.find((b) => b.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) return fail("PKCS#12 holds no (RSA) private key");
  const certs = certBags.filter((b) => b.cert).map((b, i) => parseCertificate(fromBinary(forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert!)).getBytes()), `PKCS#12 certificate ${i}`));
  const keyPkcs8 = fromBinary(forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))).getBytes());
  const pub = forge.pki.setRsaPublicKey(key.n, key.e);
  const spki = fromBinary(forge.asn1.toDer(forge.pki.publicKeyToAsn1(pub)).getBytes());
  const certificate = certs.find((c) => sameBytes(c.spki, spki));
  if (!certificate) return fail("PKCS#12 has no certificate for its private key");
  return { keyPkcs8, certificate, chain: certs.filter((c) => c !== certificate) };
}
