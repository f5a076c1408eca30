// SPDX-License-Identifier: MIT
/**
 * The embedded server's TLS certificate chains (`embedded.tls`): the HTTPS listener's, and one per
 * endpoint served on its own listener (`embedded.tls.endpoints`). Each is generated for real from its
 * properties — validity, key type and size, signature hash, EKU, SAN, a leaf marked as a CA, an
 * intermediate CA between the reference CA and the leaf — and signed with the reference CA's key, so
 * devices that trust the reference CA get exactly that chain on the wire and judge it by their own
 * platform's rules (device/trust.ts). `openssl x509 -text` on the served certificates shows each
 * property (test/server/tls-chain.test.ts cross-checks it).
 */
import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import type { CryptoPort, HashAlg, PrivateKey } from "../ports/crypto.js";
import { buildCertificate, keyIdentifier, parseCertificate, toPem, type Certificate } from "../wire/x509/certificate.js";
import { authorityInfoAccess } from "../wire/x509/aia.js";
import { authorityKeyIdentifier, basicConstraints, extKeyUsage, keyUsage, subjectAltName, subjectKeyIdentifier, type Extension } from "../wire/x509/extensions.js";
import type { CaIdentity } from "./scep/ca.js";
import type { CrossSignSpec, NamedRoots } from "./named-roots.js";

export type TlsKeyType = "rsa-1024" | "rsa-2048" | "rsa-3072" | "ec-p256" | "ec-p384";
export const TLS_KEY_TYPES: readonly TlsKeyType[] = ["rsa-1024", "rsa-2048", "rsa-3072", "ec-p256", "ec-p384"];
export const TLS_SIGNATURES = ["sha1", "sha256", "sha384"] as const;
export const TLS_EKUS = ["serverAuth", "clientAuth"] as const;

/** Properties of one certificate of a served chain (schema: runner/scenario/tls-schema.ts). */
export interface CertificateSpec {
  /** Days from notBefore to notAfter. Default 397. */
  validityDays?: number;
  /** notBefore relative to the server's start, a signed duration ("-30d", "+1h"). Default "-1h". */
  notBefore?: string;
  /** Default ec-p256 (leaf), rsa-2048 (intermediate). */
  key?: TlsKeyType;
  /** Hash of the issuer's signature on this certificate. Default sha256. */
  signature?: (typeof TLS_SIGNATURES)[number];
  /** Extended key usages; [] leaves the extension out. Default [serverAuth]. */
  eku?: (typeof TLS_EKUS)[number][];
  /** false: the host names are only in the subject CN (no subjectAltName). Default true. */
  san?: boolean;
  /** The leaf carries basicConstraints CA:true (a CA certificate installed as the server's). Default false. */
  ca?: boolean;
  /** DNS names the server certificate is issued for (subjectAltName and CN). Default: the listener's own names (localhost, its address). */
  names?: string[];
}

/** The intermediate CA of a chain: its certificate's properties, its name, whether the server sends it. */
export interface IntermediateSpec extends CertificateSpec {
  /** Its subject CN ("R3"). Default "enrollsim reference intermediate CA". */
  name?: string;
  /** false: the server leaves it out of the chain it sends (an incomplete chain). Default true. */
  send?: boolean;
  /** false: the leaf carries no Authority Information Access extension (no client can fetch this intermediate). Default true. */
  aia?: boolean;
  /** Host of the leaf's AIA caIssuers URL, the host a device's network sees when it fetches this intermediate. Default {@link DEFAULT_AIA_HOST}. */
  aiaHost?: string;
}

/** The host of the AIA caIssuers URLs the embedded server's leaves name by default (a stand-in host, never resolved). */
export const DEFAULT_AIA_HOST = "aia.enrollsim.test";
/** Path prefix under which the embedded server serves the intermediates its leaves' AIA URLs name: /pki/aia/<host>/<serial>.cer. */
export const AIA_PATH_PREFIX = "/pki/aia/";

/** A served chain: the leaf's properties, who issues it, what else is sent. */
export interface ChainSpec extends CertificateSpec {
  intermediate?: IntermediateSpec;
  /** The named root the chain is issued from (devices/trust-stores/roots.yaml or `privateRoots`). Default: the reference CA. */
  root?: string;
  /** The server also sends `root` cross-signed by another root (the long chain to an older root). */
  crossSign?: CrossSignSpec;
}

/** A root the scenario declares (its own PKI): trusted only by devices that installed it. */
export interface PrivateRootSpec {
  name: string;
  /** Subject DN. Default "CN=<name>". */
  subject?: string;
  /** Relative to the server's start. Default "-365d". */
  notBefore?: string;
  /** Default 3650. */
  validityDays?: number;
  key?: "rsa-2048" | "rsa-3072" | "ec-p256" | "ec-p384";
}

/** `embedded.tls`. */
export interface ServerTlsSpec {
  certificate?: ChainSpec;
  endpoints?: { path: string; certificate?: ChainSpec }[];
  privateRoots?: PrivateRootSpec[];
}

export interface ServedChain {
  certPem: string;
  keyPem: string;
  caPem: string[];
  /** The chain needs OpenSSL security level 0 to be loaded (a SHA-1 signature or a 1024-bit RSA key). */
  weak: boolean;
  certificates: Certificate[];
  /** The intermediate the leaf's AIA URL names, by the URL's path (served by the embedded server, sent or not). */
  issuers: { path: string; der: Uint8Array }[];
}

const DAY = 86_400_000;

/** Milliseconds of a signed duration ("-30d", "+1h", "90s"). */
export function signedDurationMs(v: string): number {
  const m = /^([+-]?)([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(v);
  if (!m) throw new RangeError(`not a signed duration: ${v}`);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY };
  return (m[1] === "-" ? -1 : 1) * Math.round(Number(m[2]) * unit[m[3]!]!);
}

const generate = promisify(generateKeyPair);

/** A fresh key of `type` (RSA 1024 through node:crypto: the CryptoPort offers no key that small). */
async function keyOf(type: TlsKeyType, crypto: CryptoPort): Promise<PrivateKey> {
  if (type === "rsa-1024") {
    const { privateKey } = await generate("rsa", { modulusLength: 1024 });
    return crypto.importPrivateKey(new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" })));
  }
  return crypto.generateKey(type === "rsa-2048" ? "rsa2048" : type === "rsa-3072" ? "rsa3072" : type);
}

function validity(spec: CertificateSpec, now: number): { notBefore: Date; notAfter: Date } {
  const nb = now + signedDurationMs(spec.notBefore ?? "-1h");
  return { notBefore: new Date(nb), notAfter: new Date(nb + (spec.validityDays ?? 397) * DAY) };
}

const serialOf = (crypto: CryptoPort, spki: Uint8Array, salt: string): Uint8Array => {
  const d = crypto.digest("sha256", new Uint8Array([...spki, ...Buffer.from(salt)])).subarray(0, 12);
  d[0] = d[0]! & 0x7f;
  return d;
};

/**
 * Generates the chain `spec` describes for `names` (the listener's host names and addresses), issued
 * under the reference CA `id` at `now` (the server's clock). With an intermediate, the leaf names it in an
 * Authority Information Access caIssuers URL under `aiaBase` (the server's plain-HTTP listener, RFC 5280
 * §4.2.2.1: http, DER), which the server serves whether or not it sends the intermediate.
 */
export async function generateServedChain(id: CaIdentity, spec: ChainSpec | undefined, listener: { dns: string[]; ip: string[] }, now: number, crypto: CryptoPort, roots?: NamedRoots, aiaBase?: string): Promise<ServedChain> {
  const s = spec ?? {};
  // Names the scenario gives replace the listener's: a certificate for another host is a wrong-host one here.
  const names = s.names?.length ? { dns: s.names, ip: [] } : listener;
  const named = s.root !== undefined ? await rootsOf(roots, s.root).get(s.root) : undefined;
  let issuer = named ? { subjectDer: named.cert.subjectDer, spki: named.key.spki, key: named.key } : { subjectDer: id.ca.subjectDer, spki: id.ca.spki, key: id.caKey };
  const chain: Certificate[] = [];
  let omitted = 0;
  let weak = false;
  let aia: { url: string; path: string } | undefined;
  if (s.intermediate) {
    const i = s.intermediate;
    const key = await keyOf(i.key ?? "rsa-2048", crypto);
    const hash: HashAlg = i.signature ?? "sha256";
    const der = buildCertificate(
      {
        serial: serialOf(crypto, key.spki, "intermediate"),
        issuer: issuer.subjectDer,
        subject: `CN=${i.name ?? "enrollsim reference intermediate CA"},O=enrollsim reference server`,
        ...validity(i, now),
        spki: key.spki,
        extensions: [basicConstraints(true, 0), keyUsage(["keyCertSign", "cRLSign"]), subjectKeyIdentifier(keyIdentifier(key.spki, crypto)), authorityKeyIdentifier(keyIdentifier(issuer.spki, crypto))],
      },
      issuer.key,
      hash,
      crypto,
    );
    const cert = parseCertificate(der, "reference intermediate CA certificate");
    chain.push(cert);
    if (i.send === false) omitted = 1;
    if (i.aia !== false && aiaBase) {
      const path = `${AIA_PATH_PREFIX}${encodeURIComponent((i.aiaHost ?? DEFAULT_AIA_HOST).toLowerCase())}/${cert.serialHex}.cer`;
      aia = { url: `${aiaBase}${path}`, path };
    }
    weak ||= hash === "sha1" || i.key === "rsa-1024";
    issuer = { subjectDer: cert.subjectDer, spki: key.spki, key };
  }
  const key = await keyOf(s.key ?? "ec-p256", crypto);
  const hash: HashAlg = s.signature ?? "sha256";
  const eku = s.eku ?? ["serverAuth"];
  const extensions: Extension[] = [
    basicConstraints(s.ca === true),
    keyUsage(s.ca ? ["digitalSignature", "keyEncipherment", "keyCertSign"] : ["digitalSignature", "keyEncipherment"]),
    ...(eku.length ? [extKeyUsage(eku)] : []),
    ...(s.san === false ? [] : [subjectAltName({ dns: names.dns, ip: names.ip })]),
    subjectKeyIdentifier(keyIdentifier(key.spki, crypto)),
    authorityKeyIdentifier(keyIdentifier(issuer.spki, crypto)),
    ...(aia ? [authorityInfoAccess([aia.url])] : []),
  ];
  const der = buildCertificate(
    { serial: serialOf(crypto, key.spki, "leaf"), issuer: issuer.subjectDer, subject: `CN=${names.dns[0] ?? names.ip[0] ?? "localhost"},O=enrollsim reference server`, ...validity(s, now), spki: key.spki, extensions },
    issuer.key,
    hash,
    crypto,
  );
  const leaf = parseCertificate(der, "reference server TLS certificate");
  weak ||= hash === "sha1" || s.key === "rsa-1024";
  const caPem = toPem(id.ca.der);
  // A named root is not sent (clients hold it); its cross-signed certificate is, after the intermediate.
  const cross = named && s.crossSign ? [await rootsOf(roots, s.crossSign.by).crossSign(s.root!, s.crossSign)] : [];
  const sent = [leaf, ...chain.slice(omitted)];
  return {
    certPem: [...sent, ...cross].map((c) => toPem(c.der)).join("") + (named ? "" : caPem),
    keyPem: crypto.privateKeyPem(key),
    caPem: [caPem],
    weak,
    certificates: [leaf, ...chain, ...cross],
    issuers: aia && chain[0] ? [{ path: aia.path, der: chain[0].der }] : [],
  };
}

function rootsOf(roots: NamedRoots | undefined, name: string): NamedRoots {
  if (!roots?.has(name)) throw new TypeError(`embedded.tls: no named root "${name}" (checked when the scenario loads)`);
  return roots;
}
