// SPDX-License-Identifier: MIT
/**
 * AIA chasing as a device does it: when a server's chain lacks the leaf's issuer, a platform that chases
 * (device/trust.ts `chasesAia`: Windows, Apple) reads the leaf's Authority Information Access caIssuers URL
 * and GETs it over the device's own network, within what is left of the request's deadline: the scenario's network rules (a firewall that blocks the CA's
 * certificate host, a closed network, a proxy) and faults act on that fetch as on any request, so the chain
 * completes only where the device can reach the URL. A fetched intermediate whose own issuer the device does not hold is
 * chased in turn (bounded: MAX_CHASE_DEPTH), so a server missing two intermediates costs one completion. What it fetched is kept for the device's run (CryptoAPI
 * and trustd cache fetched CA certificates). Android does not chase: no completion, the chain fails.
 */
import type { Platform } from "../device/catalog.js";
import { chasesAia } from "../device/trust.js";
import type { ChainCompletion, HttpPort } from "../ports/http.js";
import { caIssuersOf } from "../wire/x509/aia.js";
import { fromPem, parseCertificate, toPem } from "../wire/x509/certificate.js";
import { sameName } from "../wire/x509/name.js";

/** The largest CA certificate a device accepts from an AIA URL (a certificate is a few KiB). */
const MAX_ISSUER_BYTES = 64 * 1024;

/**
 * How long a device remembers that an AIA URL could not be fetched before it tries that URL again, on its own clock.
 * Neither platform publishes it (CryptoAPI's URL retrieval timeout is published, its memory of a failed URL is not;
 * Apple publishes neither): enrollsim's assumption is one minute — long enough that the connections of one step do not
 * each wait out the retrieval again, short enough that a network the timeline opens later is used.
 */
export const FAILED_FETCH_MEMORY_MS = 60_000;

/**
 * How many missing certificates one completion fetches, one above the other (the leaf's issuer, its issuer, …). Neither
 * platform publishes a bound for AIA path building; enrollsim's is 4, more than any public CA's path needs, and each
 * fetch keeps its own size cap ({@link MAX_ISSUER_BYTES}) and the request's deadline.
 */
export const MAX_CHASE_DEPTH = 4;

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const isHttp = (u: string): boolean => /^https?:\/\//i.test(u);
const ordinal = (n: number): string => (n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`);

/** A device's chain completion, and the issuers it has fetched so far (its later connections carry them: runner/device-clock.ts). */
export type AiaChaser = ChainCompletion & { fetched(): readonly string[] };

/**
 * The device's chain completion, or undefined for a platform that does not fetch missing issuers.
 * `port` is the device's HTTP port on its network (under its trust: the fetch is plain HTTP);
 * `clock` is the device's (how long a failed URL is remembered); `note` writes what the device did into its transcript.
 * Per device, what it fetched is kept for its run and a URL that failed is not tried again for {@link FAILED_FETCH_MEMORY_MS}.
 */
export function aiaChaser(platform: Platform, port: HttpPort, clock: { now(): number }, note?: (data: Record<string, unknown>) => void): AiaChaser | undefined {
  const now = (): number => clock.now();
  const rule = chasesAia(platform);
  if (!rule) return undefined;
  /** By caIssuers URL: what the device fetched there (kept for its run), and the certificate's own caIssuers URLs. */
  const fetched = new Map<string, { pem: string; der: Uint8Array; next: string[] }>();
  const failed = new Map<string, { reason: string; at: number }>();
  /** The issuer of the certificate whose caIssuers URLs are `urls`: from the device's cache, or fetched within `deadline`. */
  const issuerAt = async (urls: string[], deadline: number): Promise<{ pem: string; der: Uint8Array; next: string[] } | { failure: string }> => {
    const failures: string[] = [];
    for (const url of urls) {
      const known = fetched.get(url);
      if (known) return known;
      const before = failed.get(url);
      if (before && now() - before.at < FAILED_FETCH_MEMORY_MS) {
        failures.push(`GET ${url} failed: ${before.reason} (remembered, not tried again)`);
        continue;
      }
      const left = deadline - now();
      if (left <= 0) {
        failures.push(`GET ${url} not tried: the request's deadline passed`);
        break;
      }
      const client = port.client({ keepAlive: false });
      try {
        // The platform's retrieval timeout where published (Windows 15 s), never past the request's own deadline.
        const timeoutMs = Math.min(rule.timeoutMs ?? left, left);
        const res = await client.request({ method: "GET", url, maxBytes: MAX_ISSUER_BYTES, timeoutMs });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        const text = Buffer.from(res.body.subarray(0, 32)).toString("latin1");
        const der = text.startsWith("-----BEGIN") ? fromPem(Buffer.from(res.body).toString("latin1"))[0] : res.body;
        if (!der) throw new Error("no certificate in the answer");
        const cert = parseCertificate(der, "AIA caIssuers certificate");
        // A fetched certificate only fills a gap in the path; it is never a trust anchor (CryptoAPI puts it in the
        // intermediate store, trustd uses it for path building). A self-issued one would become one in OpenSSL's
        // `ca` list, so the device refuses it: only its root store decides which roots it trusts. Self-issued as OpenSSL
        // decides it (X509_NAME_cmp on canonical names: case and white space folded), not by the names' text: a subject
        // "CN=Evil Root" issued by "CN=EVIL  ROOT" is a root to OpenSSL.
        if (sameName(cert.subjectDer, cert.issuerDer, "AIA caIssuers certificate name")) throw new Error(`it is self-issued (${cert.subject}), a root: a fetched certificate is never trusted as a root`);
        const got = { pem: toPem(cert.der), der: cert.der, next: caIssuersOf(cert).filter(isHttp) };
        fetched.set(url, got);
        failed.delete(url);
        note?.({ aia: url, fetched: cert.subject });
        return got;
      } catch (e) {
        failures.push(`GET ${url} failed: ${why(e)}`);
        if (failed.size < 1_000 || failed.has(url)) failed.set(url, { reason: why(e), at: now() });
        note?.({ aia: url, failed: why(e) });
      } finally {
        void client.close().catch(() => {});
      }
    }
    return { failure: failures.join("; ") };
  };
  const complete: ChainCompletion = async (leafDer, remainingMs, holds) => {
    // Every URL's fetch shares what is left of the request's deadline (a leaf naming many unreachable URLs must not hold
    // the request for one retrieval timeout per URL).
    const deadline = now() + remainingMs;
    let urls: string[];
    try {
      urls = caIssuersOf(parseCertificate(leafDer, "server certificate")).filter(isHttp);
    } catch (e) {
      return { failure: `the device could not read the certificate's Authority Information Access: ${why(e)}` };
    }
    if (urls.length === 0) return { failure: "the certificate names no caIssuers URL (no Authority Information Access extension): the device cannot fetch the missing intermediate" };
    // The whole missing path in one completion, as CryptoAPI and trustd build it: each fetched issuer whose own issuer the
    // device does not hold is chased in turn, up to MAX_CHASE_DEPTH levels (a caller without `holds` gets one level).
    const issuers: string[] = [];
    for (let level = 1; ; level++) {
      const got = await issuerAt(urls, deadline);
      if ("failure" in got) {
        const above = issuers.length ? ` (the ${ordinal(issuers.length + 1)} missing certificate of the path, above the ${issuers.length} fetched)` : "";
        return { failure: `the device could not fetch the missing intermediate${above} (AIA): ${got.failure}` };
      }
      if (!issuers.includes(got.pem)) issuers.push(got.pem);
      if (!holds || holds(got.der) || got.next.length === 0) return { issuers };
      if (level >= MAX_CHASE_DEPTH) return { failure: `the device fetched ${level} missing intermediates (AIA) and the path still lacks an issuer: it chases at most ${MAX_CHASE_DEPTH} levels` };
      urls = got.next;
    }
  };
  return Object.assign(complete, { fetched: (): readonly string[] => [...fetched.values()].map((f) => f.pem) });
}
