// SPDX-License-Identifier: MIT
/**
 * Per-client TLS trust store and identity.
 *
 * Cost model (profiled, docs/performance.md): building a `SecureContext` re-parses the trust
 * PEMs, copies the ~140 system roots into a private `X509_STORE` (`addCACert`, ~0.8 ms) and
 * imports the identity key; the first certificate look-up in a fresh store (OpenSSL chain
 * check, Node's `getPeerCertificate(true)` in the host-name check) then sorts that store again.
 * Doing this for every per-device client cost ≈ 20 % of the simulator's CPU. So:
 *
 * - PEMs are validated once per distinct string (bad PEMs still throw a ScenarioError when the
 *   client is created);
 * - a context without a client identity depends only on the trust settings, and is built on the
 *   first `https:` request and shared by every client with the same trust settings (a client
 *   that only speaks `http:` never builds one);
 * - a context with an mTLS identity is built when the client is created (a key that does not
 *   match its certificate is refused there) and cached by (trust settings, certificate, key),
 *   so the several clients one device opens with the same identity (check-in, command
 *   channel) share it. Two devices never share one: the key includes the identity itself.
 *   A client whose device already holds TLS sessions builds it only when a connection needs it:
 *   one that resumes the device's own TLS 1.3 session uses the trust-only context instead
 *   (`resumptionContext`; http/exchange.ts), since a resumed TLS 1.3 handshake never uses the key.
 *
 * Sharing a context shares no TLS state between devices: Node's contexts keep no internal
 * client session cache (`SSL_SESS_CACHE_NO_INTERNAL`); sessions are resumed only when passed
 * explicitly, and the HTTP client keeps them per client (one device, one identity), never in
 * the shared context.
 *
 * Adding roots to the system store goes through the native context's `addCACert`, which
 * copies the store by reference counts (~0.8 ms, ~36 KiB per context on Node 20); passing
 * `ca: [...tls.rootCertificates, ...extra]` instead re-parses ~140 roots (~50 ms, ~1 MiB per
 * context), too much for thousands of devices. The second form is only a fallback.
 */
import { X509Certificate, createHash, createPrivateKey } from "node:crypto";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { ScenarioError } from "../../../errors/index.js";
import type { ServerTrust, TlsSettings } from "../../../ports/http.js";

/** What every HTTPS request of one client passes to `tls.connect`. */
export interface ClientTls {
  /** The context, built (or taken from the cache) on first use. Throws a ScenarioError. */
  secureContext(): SecureContext;
  /**
   * Clients with an mTLS identity: the context of their trust settings alone, without the
   * identity, shared with every client of the same trust. Used only for a connection that offers
   * the device's own TLS 1.3 session: a resumed handshake authenticates the client by that
   * session's PSK, the server sends no CertificateRequest (RFC 8446 §4.3.2) and the private key
   * is not used, so the device's identity context need not exist (http/exchange.ts retries with
   * it when the server refuses the session).
   */
  resumptionContext?(): SecureContext;
  rejectUnauthorized: boolean;
  /** Whether connections present an mTLS client certificate. */
  hasIdentity: boolean;
  /** The device's own chain evaluation (TlsSettings.serverTrust), run on every new connection. */
  serverTrust?: ServerTrust;
  /**
   * The device completes a chain missing its leaf's issuer (TlsSettings.completeChain): the settings with
   * the issuers it fetched (and the same completion), or why it could not. Absent: it does not (http/exchange.ts).
   */
  completeChain?: (leaf: Uint8Array, remainingMs: number) => Promise<ClientTls | string>;
  /** TlsSettings.renegotiation: `fail` ends an exchange whose server renegotiates mid-connection (http/exchange.ts). */
  failOnRenegotiation?: boolean;
}

/**
 * OpenSSL's certificate-strength floor for contexts whose device judges strength itself
 * (`serverTrust`): level 0 accepts a SHA-1 signed CA or a 1024-bit RSA key, which OpenSSL 3 refuses
 * at its default level 1 ("CA signature digest algorithm too weak") while Windows and Android 9
 * accept them; the device's rules (device/trust.ts) then refuse what its platform refuses. Chain
 * building to a trusted anchor, signatures and the host name stay verified by OpenSSL and Node.
 */
export const DEVICE_JUDGES_STRENGTH = "DEFAULT:@SECLEVEL=0";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Most distinct trust settings whose contexts are kept. */
export const TRUST_CONTEXT_CACHE_SIZE = 64;
/**
 * Most identity contexts kept. Measured on Node 20 (docs/performance.md, "Per-device TLS
 * context"): a context with a device identity holds ≈ 27 KB of native memory (the SSL_CTX ≈ 6.5 KB,
 * the imported key and certificate ≈ 10 KB, the private copy of the root store that adding the
 * server's CA makes ≈ 10 KB) and costs ≈ 1.1 ms of CPU to build (PEM key import ≈ 0.35 ms, the
 * certificate ≈ 0.2 ms, copying the ≈ 140 system roots ≈ 0.45 ms). Keeping one per enrolled device
 * would cost 1.3 GiB at 50,000 devices, so contexts are kept for 2,048 identities (≤ 55 MiB) and
 * rebuilt beyond that.
 */
export const IDENTITY_CONTEXT_CACHE_SIZE = 2048;
const VALIDATED_CACHE_SIZE = 4096;

/** A small least-recently-used map (Map keeps insertion order; a hit re-inserts). */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly capacity: number) {}
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  /** Stores `key`; returns the entry it evicted, if any. */
  set(key: K, value: V): [K, V] | undefined {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size <= this.capacity) return undefined;
    const [oldest, was] = this.map.entries().next().value as [K, V];
    this.map.delete(oldest);
    return [oldest, was];
  }
  delete(key: K): void {
    this.map.delete(key);
  }
  get size(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
}

/**
 * A bounded map for identity contexts: a recency part (an LRU of `recent` entries: the clients of
 * one enrolment or check-in, seconds apart) and a resident part (up to `capacity - recent`
 * entries, never evicted). Steady-state check-ins visit a fleet cyclically; with more identities
 * than entries a plain LRU evicts each context just before its device comes back and hits never
 * (random eviction hardly more), while the resident part keeps hitting for the devices it holds:
 * about capacity / population of them.
 *
 * With `doorkeeper` (a number of keys), an entry the LRU drops moves to the resident part only on
 * its second eviction — it was stored again after it had been dropped once, so its key is in use
 * beyond one burst — and is simply dropped the first time, its key remembered (at most `doorkeeper`
 * keys, then the memory starts again; the admission filter of TinyLFU, Einziger et al. 2017). Without
 * it every dropped entry moves there while it has room. Identity contexts use it: a steady check-in
 * that resumes its device's TLS 1.3 session never needs its context again (http/exchange.ts), so the
 * contexts every enrolment built filled the resident part for nothing (≈ 48 MiB of native memory,
 * 1,792 contexts, at 50,000 devices), while devices that do need theirs at every check-in (a server
 * that does not resume) still get them kept from their second check-in on.
 */
export class ScanResistantCache<K, V> {
  private readonly lru: Lru<K, V>;
  private readonly resident = new Map<K, V>();
  private readonly droppedOnce = new Set<K>();
  constructor(
    readonly capacity: number,
    readonly recent = Math.min(256, capacity),
    readonly doorkeeper = 0,
  ) {
    this.lru = new Lru<K, V>(recent);
  }
  get(key: K): V | undefined {
    return this.resident.get(key) ?? this.lru.get(key);
  }
  set(key: K, value: V): void {
    if (this.resident.has(key)) return void this.resident.set(key, value);
    const dropped = this.lru.set(key, value);
    if (!dropped || this.resident.size >= this.capacity - this.recent) return;
    if (this.doorkeeper > 0 && !this.droppedOnce.delete(dropped[0])) {
      if (this.droppedOnce.size >= this.doorkeeper) this.droppedOnce.clear();
      return void this.droppedOnce.add(dropped[0]);
    }
    this.resident.set(dropped[0], dropped[1]);
  }
  get size(): number {
    return this.resident.size + this.lru.size;
  }
  clear(): void {
    this.resident.clear();
    this.lru.clear();
    this.droppedOnce.clear();
  }
}

/** PEM bundle → its single, parse-checked certificates. */
const validatedBundles = new Lru<string, string[]>(VALIDATED_CACHE_SIZE);

/** Splits PEM bundles into single certificates, each checked to parse. */
export function splitCertificates(pems: readonly string[], what: string): string[] {
  const out: string[] = [];
  pems.forEach((pem, i) => {
    if (typeof pem === "string") {
      const known = validatedBundles.get(pem);
      if (known) {
        out.push(...known);
        return;
      }
    }
    const found = typeof pem === "string" ? (pem.match(PEM_CERT) ?? []) : [];
    if (found.length === 0) throw new ScenarioError(`${what}[${i}] contains no PEM certificate`);
    for (const cert of found) {
      try {
        new X509Certificate(cert);
      } catch (err) {
        throw new ScenarioError(`${what}[${i}] is not a valid certificate: ${(err as Error).message}`);
      }
    }
    validatedBundles.set(pem, found);
    out.push(...found);
  });
  return out;
}

/** The base64 body of a single PEM certificate, whitespace removed (its DER, in effect). */
const pemBody = (pem: string): string => pem.replace(/-----[^-]+-----|\s+/g, "");

/**
 * Each certificate once: a device that trusts the server's CA from the scenario and again as an
 * anchor of its enrollment profile (the Apple check-in) has the same trust as one that lists it
 * once, and so shares its context (trusting a certificate twice changes nothing in OpenSSL).
 */
function distinctCertificates(pems: string[]): string[] {
  const seen = new Set<string>();
  return pems.filter((p) => {
    const body = pemBody(p);
    if (seen.has(body)) return false;
    seen.add(body);
    return true;
  });
}

interface Trust {
  /** The distinct single certificates of the trust list. */
  extra: string[];
  /** The trust as a set (same CAs in another order or PEM layout: same key); names its context. */
  trustKey: string;
}

/** A path of PEM strings to the trust they make (a trie: one Map per element, so no list is joined or hashed whole). */
interface TrustNode {
  next: Map<string, TrustNode>;
  trust?: Trust;
}

/**
 * Trust lists already split, checked and keyed, by the list's PEM strings as given. Every client
 * a device creates (two per steady Apple check-in) names the same few lists; splitting them and
 * stripping each PEM to its body again cost ≈ 4–6 µs per client. Looked up element by element (a
 * string's hash is computed once and kept by V8), so a hit costs a few Map look-ups. Only lists of
 * strings that passed the checks are kept; at most {@link TRUST_CONTEXT_CACHE_SIZE} lists, then it starts again.
 */
let trusts: TrustNode = { next: new Map() };
let trustsKept = 0;

function trustOf(ca: readonly string[], replaceRoots: boolean, ciphers: string | undefined): Trust {
  const flags = `${replaceRoots ? "R" : "S"}${ciphers ? "0" : ""}`;
  const path = ca.every((p) => typeof p === "string") ? [flags, ...ca] : undefined;
  let node: TrustNode | undefined = path ? trusts : undefined;
  for (let i = 0; node && path && i < path.length; i++) node = node.next.get(path[i]!);
  if (node?.trust) return node.trust;
  const extra = distinctCertificates(splitCertificates(ca, "tls.ca"));
  // NUL cannot occur in a PEM: an unambiguous key.
  const trust = { extra, trustKey: `${flags}\u0000${extra.map(pemBody).sort().join("\u0000")}` };
  if (path) {
    if (trustsKept >= TRUST_CONTEXT_CACHE_SIZE) ((trusts = { next: new Map() }), (trustsKept = 0));
    let at = trusts;
    for (const p of path) {
      let n = at.next.get(p);
      if (!n) at.next.set(p, (n = { next: new Map() }));
      at = n;
    }
    at.trust = trust;
    trustsKept++;
  }
  return trust;
}

interface NativeContext {
  addCACert?: (pem: string) => void;
}

const trustContexts = new Lru<string, SecureContext>(TRUST_CONTEXT_CACHE_SIZE);
/** Remembers up to 4 × the capacity of identities dropped once (≈ 100 bytes each, ≤ 0.8 MiB). */
const identityContexts = new ScanResistantCache<string, SecureContext>(IDENTITY_CONTEXT_CACHE_SIZE, 256, 4 * IDENTITY_CONTEXT_CACHE_SIZE);

/** How many contexts were built (not taken from a cache) since start; for tests and benchmarks. */
export const contextStats = { trustBuilt: 0, identityBuilt: 0 };

/** Drops every cached context (tests). */
export function clearTlsCaches(): void {
  trustContexts.clear();
  identityContexts.clear();
  validatedBundles.clear();
  trusts = { next: new Map() };
  trustsKept = 0;
}

function build(extra: readonly string[], replaceRoots: boolean, identity: { cert: string; key: string } | undefined, ciphers?: string): SecureContext {
  const id = { ...(identity ?? {}), ...(ciphers ? { ciphers } : {}) };
  try {
    if (replaceRoots) return createSecureContext({ ...id, ca: [...extra] });
    const secureContext = createSecureContext(id);
    if (extra.length === 0) return secureContext;
    const native = (secureContext as unknown as { context?: NativeContext }).context;
    if (typeof native?.addCACert === "function") {
      for (const pem of extra) native.addCACert(pem);
      return secureContext;
    }
    return createSecureContext({ ...id, ca: [...rootCertificates, ...extra] });
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    // A client certificate signed with SHA-1 (a server that copies a Windows 10 CSR's sha1RSA into
    // the certificate it issues, e.g. oscartbeaumont/windows_mdm) is refused by OpenSSL 3 at security
    // level 1+ ("ca md too weak"); Windows presents it. Identity contexts retry at level 0 (docs/interop.md).
    if (identity && !ciphers && /md too weak/.test((err as Error).message)) return build(extra, replaceRoots, identity, "DEFAULT:@SECLEVEL=0");
    throw new ScenarioError(`tls settings rejected by OpenSSL: ${(err as Error).message}`);
  }
}

let bundledRoots: X509Certificate[] | undefined;

/**
 * Whether the store OpenSSL verifies with (`ca`, plus Node's bundled roots unless `replaceRoots`: see `build`) has an
 * issuer of a certificate (X509_check_issued: names, key identifiers, key usage). Parsed on the first question only:
 * it is asked when a chain is being completed, not per connection.
 */
function holdsIssuer(ca: readonly string[], replaceRoots: boolean): (der: Uint8Array) => boolean {
  let store: X509Certificate[] | undefined;
  return (der) => {
    store ??= [...splitCertificates(ca, "tls.ca").map((pem) => new X509Certificate(pem)), ...(replaceRoots ? [] : (bundledRoots ??= rootCertificates.map((pem) => new X509Certificate(pem))))];
    const cert = new X509Certificate(der);
    return store.some((issuer) => cert.checkIssued(issuer));
  };
}

/**
 * The client's TLS settings, validated now (bad PEMs are a {@link ScenarioError}, found before
 * any request); see the module comment for when the context itself is built.
 */
export function buildClientTls(settings: TlsSettings = {}, options: { deferIdentity?: boolean } = {}): ClientTls {
  const replaceRoots = settings.replaceRoots === true;
  // WARNING: test-only. `insecure` is reachable only from an explicit, loud `--insecure`; it
  // turns off chain and host-name verification so a lab server with a throw-away cert answers.
  const rejectUnauthorized = settings.insecure !== true;
  const serverTrust = rejectUnauthorized ? settings.serverTrust : undefined;
  const ciphers = serverTrust ? DEVICE_JUDGES_STRENGTH : undefined;
  const { extra, trustKey } = trustOf(settings.ca ?? [], replaceRoots, ciphers);
  const hook = rejectUnauthorized ? settings.completeChain : undefined;
  // The same settings plus the fetched issuers (kept as CA certificates of the store: OpenSSL builds the path through them to a trusted root, never stops at them).
  const completion = hook
    ? {
        completeChain: async (leaf: Uint8Array, remainingMs: number): Promise<ClientTls | string> => {
          const r = await hook(leaf, remainingMs, holdsIssuer(settings.ca ?? [], replaceRoots));
          if ("failure" in r) return r.failure;
          // The completion stays: a client that adopts these settings (http.ts) can still complete another server's chain.
          const ca = settings.ca ?? [];
          return buildClientTls({ ...settings, ca: [...ca, ...r.issuers.filter((pem) => !ca.includes(pem))] }, options);
        },
      }
    : {};

  const reneg = settings.renegotiation === "fail" ? { failOnRenegotiation: true } : {};
  let memo: SecureContext | undefined;
  const trustContext = (): SecureContext => {
    if (memo) return memo;
    memo = trustContexts.get(trustKey);
    if (!memo) {
      memo = build(extra, replaceRoots, undefined, ciphers);
      contextStats.trustBuilt++;
      trustContexts.set(trustKey, memo);
    }
    return memo;
  };

  if (settings.identity) {
    const { certPem, keyPem: key } = settings.identity;
    // A digest of (trust, certificate, key): a 44-character map key instead of ≈ 5 KB of PEM per
    // cached context. SHA-256: two identities never map to one context.
    // Computed when the context is first needed: a client that resumes its device's session never
    // needs it (≈ 1.3 % of the simulator's CPU per steady Apple check-in, profiled at 1,000 devices).
    let ctx: SecureContext | undefined;
    const identityContext = (): SecureContext => {
      if (ctx) return ctx;
      const idKey = createHash("sha256").update(trustKey).update("\u0001").update(String(certPem)).update("\u0001").update(String(key)).digest("base64");
      ctx = identityContexts.get(idKey);
      if (ctx) return ctx;
      const certs = typeof certPem === "string" ? (certPem.match(PEM_CERT) ?? []) : [];
      if (certs.length === 0) throw new ScenarioError("tls.identity.certPem[0] contains no PEM certificate");
      try {
        // OpenSSL parses both and checks that they match; the per-field checks below run only
        // to name the culprit when it refuses (they would parse everything a second time).
        ctx = build(extra, replaceRoots, { cert: certs.join("\n"), key }, ciphers);
      } catch (err) {
        splitCertificates([certPem], "tls.identity.certPem");
        try {
          createPrivateKey(key);
        } catch (keyErr) {
          throw new ScenarioError(`tls.identity.keyPem is not a valid private key: ${(keyErr as Error).message}`);
        }
        throw err;
      }
      contextStats.identityBuilt++;
      identityContexts.set(idKey, ctx);
      return ctx;
    };
    // Built now (a bad certificate or a key that does not match it is refused when the client is
    // created), unless the caller knows the device holds sessions it will resume: then only a
    // refused resumption builds it (a steady check-in at 50,000 devices would otherwise rebuild
    // it almost every time, ≈ 1.2 ms, beyond the cache's 2,048 entries).
    if (!options.deferIdentity) identityContext();
    return { secureContext: identityContext, resumptionContext: trustContext, rejectUnauthorized, hasIdentity: true, ...(serverTrust ? { serverTrust } : {}), ...completion, ...reneg };
  }

  return {
    secureContext: trustContext,
    rejectUnauthorized,
    hasIdentity: false,
    ...(serverTrust ? { serverTrust } : {}),
    ...completion,
    ...reneg,
  };
}
