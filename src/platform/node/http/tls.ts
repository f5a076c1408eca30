// SPDX-License-Identifier: MIT
/**
 * Per-client TLS trust store and identity. One `SecureContext` is built when the client is
 * created and reused for every connection it opens.
 *
 * Adding roots to the system store goes through the native context's `addCACert`, which
 * copies the store by reference counts (~0.8 ms, ~36 KiB per context on Node 20); passing
 * `ca: [...tls.rootCertificates, ...extra]` instead re-parses ~140 roots (~50 ms, ~1 MiB per
 * context), too much for thousands of devices. The second form is only a fallback.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { ScenarioError } from "../../../errors/index.js";
import type { TlsSettings } from "../../../ports/http.js";

/** What every HTTPS request of one client passes to `tls.connect`. */
export interface ClientTls {
  secureContext: SecureContext;
  rejectUnauthorized: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits PEM bundles into single certificates, each checked to parse. */
export function splitCertificates(pems: readonly string[], what: string): string[] {
  const out: string[] = [];
  pems.forEach((pem, i) => {
    const found = typeof pem === "string" ? (pem.match(PEM_CERT) ?? []) : [];
    if (found.length === 0) throw new ScenarioError(`${what}[${i}] contains no PEM certificate`);
    for (const cert of found) {
      try {
        new X509Certificate(cert);
      } catch (err) {
        throw new ScenarioError(`${what}[${i}] is not a valid certificate: ${(err as Error).message}`);
      }
      out.push(cert);
    }
  });
  return out;
}

interface NativeContext {
  addCACert?: (pem: string) => void;
}

/** Builds the client's context; bad PEMs are a {@link ScenarioError}, found before any request. */
export function buildClientTls(settings: TlsSettings = {}): ClientTls {
  const extra = splitCertificates(settings.ca ?? [], "tls.ca");
  let cert: string | undefined;
  let key: string | undefined;
  if (settings.identity) {
    cert = splitCertificates([settings.identity.certPem], "tls.identity.certPem").join("\n");
    key = settings.identity.keyPem;
    try {
      createPrivateKey(key);
    } catch (err) {
      throw new ScenarioError(`tls.identity.keyPem is not a valid private key: ${(err as Error).message}`);
    }
  }
  // WARNING: test-only. `insecure` is reachable only from an explicit, loud `--insecure`; it
  // turns off chain and host-name verification so a lab server with a throw-away cert answers.
  const rejectUnauthorized = settings.insecure !== true;
  const identity = cert !== undefined ? { cert, key } : {};
  try {
    if (settings.replaceRoots) {
      return { secureContext: createSecureContext({ ...identity, ca: extra }), rejectUnauthorized };
    }
    const secureContext = createSecureContext(identity);
    if (extra.length === 0) return { secureContext, rejectUnauthorized };
    const native = (secureContext as unknown as { context?: NativeContext }).context;
    if (typeof native?.addCACert === "function") {
      for (const pem of extra) native.addCACert(pem);
      return { secureContext, rejectUnauthorized };
    }
    return { secureContext: createSecureContext({ ...identity, ca: [...rootCertificates, ...extra] }), rejectUnauthorized };
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw new ScenarioError(`tls settings rejected by OpenSSL: ${(err as Error).message}`);
  }
}
