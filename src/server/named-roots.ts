// SPDX-License-Identifier: MIT
/**
 * The named roots of a run (`embedded.tls.certificate.root`, `crossSign.by`, private roots): one real
 * key and self-signed certificate per name, generated on first use with the real root's subject
 * (plus OU=enrollsim simulated root, so it never matches the host's copy) and published validity
 * (devices/trust-stores/roots.yaml), and cross-signed certificates (a root's subject and key, issued
 * by another root: Let's Encrypt's "ISRG Root X1" signed by "DST Root CA X3"). The runner gives each
 * device the PEMs of the roots its store has (device/trust-store.ts); OpenSSL verifies against them.
 */
import type { CryptoPort, HashAlg, PrivateKey } from "../ports/crypto.js";
import { buildCertificate, keyIdentifier, parseCertificate, toPem, type Certificate } from "../wire/x509/certificate.js";
import { authorityKeyIdentifier, basicConstraints, keyUsage, subjectKeyIdentifier } from "../wire/x509/extensions.js";
import { SIMULATED_OU, type RootDefinition } from "../wire/x509/named-root.js";

export interface GeneratedRoot {
  def: RootDefinition;
  cert: Certificate;
  key: PrivateKey;
  pem: string;
}

/** A cross-signed certificate of `root`, issued by `by` (ISO instants; defaults: the overlap of both roots' validity up to `by`'s notAfter). */
export interface CrossSignSpec {
  by: string;
  notBefore?: string;
  notAfter?: string;
}

const hashFor = (key: PrivateKey): HashAlg => (key.kind === "ec" && key.bits >= 384 ? "sha384" : "sha256");

export class NamedRoots {
  private readonly made = new Map<string, Promise<GeneratedRoot>>();
  private readonly done = new Map<string, GeneratedRoot>();

  constructor(
    private readonly defs: ReadonlyMap<string, RootDefinition>,
    private readonly crypto: CryptoPort,
  ) {}

  has(name: string): boolean {
    return this.defs.has(name);
  }

  /** The root `name`, generated once. A name neither in the catalog nor declared is a TypeError (the scenario's semantic check refuses it first). */
  get(name: string): Promise<GeneratedRoot> {
    let p = this.made.get(name);
    if (!p) {
      const def = this.defs.get(name);
      if (!def) throw new TypeError(`no named root "${name}"`);
      p = this.generate(def).then((r) => (this.done.set(name, r), r));
      this.made.set(name, p);
    }
    return p;
  }

  private async generate(def: RootDefinition): Promise<GeneratedRoot> {
    const key = await this.crypto.generateKey(def.key === "rsa-2048" ? "rsa2048" : def.key === "rsa-3072" ? "rsa3072" : def.key);
    const subject = `${def.subject},OU=${SIMULATED_OU}`;
    const der = buildCertificate(
      {
        serial: this.serial(key.spki, `root:${def.name}`),
        issuer: subject,
        subject,
        notBefore: def.notBefore,
        notAfter: def.notAfter,
        spki: key.spki,
        extensions: [basicConstraints(true), keyUsage(["keyCertSign", "cRLSign"]), subjectKeyIdentifier(keyIdentifier(key.spki, this.crypto))],
      },
      key,
      hashFor(key),
      this.crypto,
    );
    const cert = parseCertificate(der, `named root "${def.name}"`);
    return { def, cert, key, pem: toPem(der) };
  }

  /** `root`'s subject and key in a CA certificate issued by the root `spec.by`. */
  async crossSign(root: string, spec: CrossSignSpec): Promise<Certificate> {
    const [r, by] = await Promise.all([this.get(root), this.get(spec.by)]);
    const notBefore = spec.notBefore ? new Date(spec.notBefore) : new Date(Math.max(r.def.notBefore.getTime(), by.def.notBefore.getTime()));
    const notAfter = spec.notAfter ? new Date(spec.notAfter) : by.def.notAfter;
    const der = buildCertificate(
      {
        serial: this.serial(r.key.spki, `cross:${root}:${spec.by}`),
        issuer: by.cert.subjectDer,
        subject: r.cert.subjectDer,
        notBefore,
        notAfter,
        spki: r.key.spki,
        extensions: [basicConstraints(true), keyUsage(["keyCertSign", "cRLSign"]), subjectKeyIdentifier(keyIdentifier(r.key.spki, this.crypto)), authorityKeyIdentifier(keyIdentifier(by.key.spki, this.crypto))],
      },
      by.key,
      hashFor(by.key),
      this.crypto,
    );
    return parseCertificate(der, `"${root}" cross-signed by "${spec.by}"`);
  }

  /** Name → PEM of every root generated so far (what devices may be given to trust). */
  pems(): Map<string, string> {
    return new Map([...this.done].map(([n, r]) => [n, r.pem]));
  }

  private serial(spki: Uint8Array, salt: string): Uint8Array {
    const d = this.crypto.digest("sha256", new Uint8Array([...spki, ...Buffer.from(salt)])).subarray(0, 12);
    d[0] = d[0]! & 0x7f;
    return d;
  }
}
