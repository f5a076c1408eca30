// SPDX-License-Identifier: MIT
/**
 * How a device judges a TLS server's certificate chain beyond what every TLS stack checks (a chain
 * to a trusted anchor, signatures, the host name): the platform's published rules per OS build, and
 * the validity window on the DEVICE's clock (the scenario clock plus `state.clockOffset`), so a
 * device whose clock is behind sees a certificate that is not yet valid, and one whose clock is
 * ahead sees it expired. The adapter (platform/node/http/exchange.ts) calls the closure on every new
 * connection; what it returns becomes the TransportError detail each platform's shown table maps
 * (NSURLError -1201/-1202/-1204, WinHTTP 0x80072F05/0x80072F89/0x80072F93, the Android download error).
 *
 * Rules and sources (the reason texts quote the platform's own wording where it is published):
 * - Apple iOS/iPadOS 13+, macOS 10.15+ — "Requirements for trusted certificates in iOS 13 and
 *   macOS 10.15" (HT210176, https://support.apple.com/103769): RSA keys of the server certificate
 *   and issuing CAs ≥ 2048 bits; SHA-2 signatures; the DNS name in the subjectAltName (CommonName no
 *   longer trusted); and, for certificates with notBefore on or after 2019-07-01, an EKU extension
 *   with id-kp-serverAuth and a validity of 825 days or fewer. The 398-day limit for certificates
 *   issued from 2020-09-01 (HT211025, https://support.apple.com/102028) applies only to chains to
 *   roots preinstalled with the OS, "not … certificates issued from user-added or
 *   administrator-added root CAs": the embedded server's CA is such an added root, so it never
 *   applies here, and a chain to a system root is checked by it.
 * - Android 10 (API 29)+ — "Certificates signed with SHA-1 are no longer trusted in TLS connections"
 *   (https://developer.android.com/about/versions/10/behavior-changes-all#sha1); Conscrypt's
 *   ChainStrengthAnalyzer message: "Signature uses an insecure hash function".
 * - Windows — RSA keys shorter than 1024 bits are blocked (KB2661254,
 *   https://support.microsoft.com/kb/2661254); an EKU extension without serverAuth is
 *   CERT_E_WRONG_USAGE (CertGetCertificateChain with the server-auth usage).
 * - Every platform — a certificate is usable from notBefore to notAfter on the device's clock; Android
 *   does not enforce the expiry of a trust anchor ("Android intentionally does not enforce the
 *   expiration dates of certificates used as trust anchors",
 *   https://letsencrypt.org/2020/12/21/extending-android-compatibility/), the others do.
 * - Named roots (device/trust-store.ts): the path is judged the way the platforms build it, to the
 *   first certificate whose issuer is an anchor of the device's store (a modern device stops at its
 *   own "ISRG Root X1"; an Android 7.0 one follows the cross-sign to "DST Root CA X3"), and the
 *   store's date-based distrust of that anchor applies (Apple's Symantec distrust, HT208860).
 */
import type { ServerTrust, ServerTrustFailure } from "../ports/http.js";
import { compareVersions } from "../wire/version.js";
import { parseCertificate, sameBytes, type Certificate } from "../wire/x509/certificate.js";
import { signatureHash } from "../wire/oids.js";
import { spkiInfo } from "../wire/x509/spki.js";
import type { Platform } from "./catalog.js";
import type { TrustedRoot } from "./trust-store.js";

/** A named root the device trusts (its store's, or installed), as a parsed certificate. */
export interface DeviceAnchor extends TrustedRoot {
  cert: Certificate;
}

/** What the rules read of a device: its platform, its OS release, its clock. */
export interface TrustSubject {
  platform: Platform;
  /** Apple/Windows OS version ("13.7", "10.15.7", "10.0.22631.4317"). */
  osVersion: string;
  /** Android API level. */
  apiLevel?: number;
  /** The device's clock (ms since the epoch): the scenario clock plus its offset. */
  now: () => number;
  /** The named roots in its TLS trust store (the runner gives OpenSSL the same certificates). */
  anchors?: readonly DeviceAnchor[];
}

const DAY = 86_400_000;
const APPLE_2019_RULES_FROM = Date.UTC(2019, 6, 1);

const iso = (t: number): string => new Date(t).toISOString().replace(".000Z", "Z");

/** Apple's 2019 rules apply on iOS/iPadOS 13+ and macOS 10.15+. */
function appleStrict(s: TrustSubject): boolean {
  return s.platform === "macos" ? compareVersions(s.osVersion, "10.15") >= 0 : compareVersions(s.osVersion, "13.0") >= 0;
}

const isSelfSigned = (c: Certificate): boolean => sameBytes(c.issuerDer, c.subjectDer);

/** A certificate's key facts, decoded once per parsed certificate (chains are judged on every connection). */
const keyInfos = new WeakMap<Certificate, ReturnType<typeof spkiInfo>>();
function keyInfo(c: Certificate): ReturnType<typeof spkiInfo> {
  let k = keyInfos.get(c);
  if (!k) keyInfos.set(c, (k = spkiInfo(c.spki)));
  return k;
}

const fail = (detail: ServerTrustFailure["detail"], code: string, reason: string): ServerTrustFailure => ({ detail, code, reason });

/** The validity window on the device's clock (every certificate of the chain; on Android, not the trust anchor's). */
function validity(chain: readonly Certificate[], now: number, platform: Platform): ServerTrustFailure | undefined {
  const anchor = chain.at(-1);
  for (const c of chain) {
    if (platform === "android" && c === anchor && chain.length > 1 && isSelfSigned(c)) continue;
    if (now < c.notBefore.getTime()) return fail("tls.not-yet-valid", "CERT_NOT_YET_VALID", `certificate is not yet valid: notBefore ${iso(c.notBefore.getTime())} is after the device's clock ${iso(now)} (${c.subject})`);
    if (now > c.notAfter.getTime()) return fail("tls.expired", "CERT_HAS_EXPIRED", `certificate has expired: notAfter ${iso(c.notAfter.getTime())} is before the device's clock ${iso(now)} (${c.subject})`);
  }
  return undefined;
}

const hostNames = (leaf: Certificate): string[] => (leaf.subjectAltName ?? []).filter((n) => n.startsWith("DNS:") || n.startsWith("IP:"));

function ipHex(host: string): string | undefined {
  const parts = host.split(".").map(Number);
  return parts.length === 4 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? parts.map((n) => n.toString(16).padStart(2, "0")).join("") : undefined;
}

/**
 * Whether `host` is in the leaf's subjectAltName, per parsed leaf and host: a steady device judges
 * the same parsed chain (kept per chain, see `parsedChains`) for the same host at every check-in,
 * and splitting the host and filtering the names each time was 0.6 % of the simulator's steady profile.
 */
const sanVerdicts = new WeakMap<Certificate, Map<string, boolean>>();

function sanMatches(leaf: Certificate, host: string): boolean {
  let verdicts = sanVerdicts.get(leaf);
  if (!verdicts) sanVerdicts.set(leaf, (verdicts = new Map()));
  let v = verdicts.get(host);
  if (v === undefined) verdicts.set(host, (v = sanMatchesNow(leaf, host)));
  return v;
}

function sanMatchesNow(leaf: Certificate, host: string): boolean {
  const ip = ipHex(host);
  return hostNames(leaf).some((n) => {
    if (ip) return n === `IP:${ip}`;
    if (!n.startsWith("DNS:")) return false;
    const name = n.slice(4).toLowerCase();
    const h = host.toLowerCase();
    return name === h || (name.startsWith("*.") && h.endsWith(name.slice(1)) && !h.slice(0, -name.length + 1).includes("."));
  });
}

function appleRules(chain: readonly Certificate[], host: string): ServerTrustFailure | undefined {
  const [leaf] = chain;
  if (!leaf) return undefined;
  // The server certificate and its issuing CAs; a self-signed anchor's own signature is not judged.
  for (const c of chain) {
    const k = keyInfo(c);
    if (k.kind === "rsa" && k.bits < 2048) return fail("tls.weak-key", "APPLE_RSA_KEY_TOO_SMALL", `RSA key of ${k.bits} bits (${c.subject}): iOS 13 / macOS 10.15 trust no RSA key under 2048 bits for TLS`);
    if (!isSelfSigned(c) && signatureHash[c.signatureAlgorithm] === "sha1") return fail("tls.weak-signature", "APPLE_SHA1_SIGNATURE", `SHA-1 signature (${c.subject}): iOS 13 / macOS 10.15 trust no SHA-1 signed certificate for TLS`);
  }
  if (!sanMatches(leaf, host))
    return fail("tls.wrong-host", "APPLE_NAME_NOT_IN_SAN", `${host} is not in the certificate's subjectAltName (${hostNames(leaf).join(", ") || "no subjectAltName"}); iOS 13 / macOS 10.15 no longer trust DNS names in the CommonName`);
  if (leaf.notBefore.getTime() >= APPLE_2019_RULES_FROM) {
    if (!leaf.extKeyUsage?.includes("serverAuth"))
      return fail(
        "tls.wrong-usage",
        "APPLE_NO_SERVERAUTH_EKU",
        `the certificate has ${leaf.extKeyUsage ? `extKeyUsage ${leaf.extKeyUsage.join(", ")}` : "no extKeyUsage extension"}; a TLS server certificate issued after 1 July 2019 needs id-kp-serverAuth`,
      );
    const days = (leaf.notAfter.getTime() - leaf.notBefore.getTime()) / DAY;
    if (days > 825) return fail("tls.policy", "APPLE_VALIDITY_TOO_LONG", `validity of ${Math.ceil(days)} days; a TLS server certificate issued after 1 July 2019 must be valid for 825 days or fewer`);
  }
  return undefined;
}

function androidRules(chain: readonly Certificate[]): ServerTrustFailure | undefined {
  for (const c of chain) {
    if (isSelfSigned(c)) continue; // the trust anchor's own signature is not judged
    if (signatureHash[c.signatureAlgorithm] === "sha1") return fail("tls.weak-signature", "CertificateException", `java.security.cert.CertificateException: Signature uses an insecure hash function: ${c.signatureAlgorithm}`);
  }
  return undefined;
}

function windowsRules(chain: readonly Certificate[]): ServerTrustFailure | undefined {
  for (const c of chain) {
    const k = keyInfo(c);
    if (k.kind === "rsa" && k.bits < 1024) return fail("tls.weak-key", "WEAK_RSA_KEY", `RSA key of ${k.bits} bits (${c.subject}): Windows blocks RSA keys shorter than 1024 bits (KB2661254)`);
  }
  const eku = chain[0]?.extKeyUsage;
  if (eku && !eku.includes("serverAuth")) return fail("tls.wrong-usage", "CERT_E_WRONG_USAGE", `the certificate's extKeyUsage (${eku.join(", ")}) has no serverAuth`);
  return undefined;
}

/** Parsed certificates by DER (a device meets the same few chains again and again). */
const parsed = new Map<string, Certificate>();
function parse(der: Uint8Array): Certificate {
  const key = Buffer.from(der).toString("base64");
  let c = parsed.get(key);
  if (!c) {
    c = parseCertificate(der, "server certificate");
    if (parsed.size > 512) parsed.clear();
    parsed.set(key, c);
  }
  return c;
}

/** The rules of the platform and build alone (no clock), for a chain of parsed certificates. */
export function platformChainRules(s: Pick<TrustSubject, "platform" | "osVersion" | "apiLevel">, chain: readonly Certificate[], host: string): ServerTrustFailure | undefined {
  switch (s.platform) {
    case "ios":
    case "ipados":
    case "macos":
      return appleStrict(s as TrustSubject) ? appleRules(chain, host) : undefined;
    case "android":
      return (s.apiLevel ?? 0) >= 29 ? androidRules(chain) : undefined;
    case "windows":
      return windowsRules(chain);
    default:
      return undefined;
  }
}

/**
 * The path the device validates: the presented chain up to the first certificate whose issuer is one
 * of its named anchors, then that anchor (platforms, like OpenSSL 1.1+, prefer a trusted issuer over
 * a presented cross-signed copy). Without such an anchor, the chain as the connection reports it.
 */
export function pathToAnchor(chain: readonly Certificate[], anchors: readonly DeviceAnchor[] = []): { path: readonly Certificate[]; anchor?: DeviceAnchor } {
  if (anchors.length === 0) return { path: chain };
  for (let i = 0; i < chain.length; i++) {
    const a = anchors.find((x) => sameBytes(x.cert.subjectDer, chain[i]!.issuerDer));
    if (a) return { path: sameBytes(chain[i]!.der, a.cert.der) ? chain.slice(0, i + 1) : [...chain.slice(0, i + 1), a.cert], anchor: a };
  }
  return { path: chain };
}

const UNTRUSTED: Record<Platform, string> = {
  android: "java.security.cert.CertPathValidatorException: Trust anchor for certification path not found.",
  ios: "SecTrustEvaluate: kSecTrustResultFatalTrustFailure",
  ipados: "SecTrustEvaluate: kSecTrustResultFatalTrustFailure",
  macos: "SecTrustEvaluate: kSecTrustResultFatalTrustFailure",
  windows: "CERT_E_UNTRUSTEDROOT",
};

/** The store's date-based distrust of the anchor (never for a root the device installed). */
function distrust(s: TrustSubject, path: readonly Certificate[], anchor: DeviceAnchor | undefined, now: number): ServerTrustFailure | undefined {
  const e = anchor?.entry;
  if (!e) return undefined;
  const code = UNTRUSTED[s.platform];
  if (e.distrustFrom !== undefined && now >= e.distrustFrom)
    return fail("tls.untrusted", code, `the chain ends at "${anchor.name}", distrusted for TLS server certificates from ${iso(e.distrustFrom)} (device clock ${iso(now)})${e.source ? `; ${e.source}` : ""}`);
  const leaf = path[0];
  if (leaf && e.distrustIssuedAfter !== undefined && leaf.notBefore.getTime() > e.distrustIssuedAfter)
    return fail("tls.untrusted", code, `the certificate was issued ${iso(leaf.notBefore.getTime())}, after "${anchor.name}" was distrusted for certificates issued from ${iso(e.distrustIssuedAfter)}${e.source ? `; ${e.source}` : ""}`);
  return undefined;
}

/**
 * Parsed chains by the array of DERs the connection handed over. A resumed connection hands over
 * the same array every time (the chain the device judged when it made the session, kept beside it:
 * platform/node/http/exchange.ts), so a steady check-in neither re-encodes nor looks up its chain.
 */
const parsedChains = new WeakMap<readonly Uint8Array[], Certificate[]>();

/** The device's server-trust evaluation (ports/http.ts ServerTrust) for `s`. */
export function deviceServerTrust(s: TrustSubject): ServerTrust {
  return (ders, host) => {
    let chain = parsedChains.get(ders);
    if (!chain) parsedChains.set(ders, (chain = ders.map(parse)));
    const { path, anchor } = pathToAnchor(chain, s.anchors);
    const now = s.now();
    return validity(path, now, s.platform) ?? distrust(s, path, anchor, now) ?? platformChainRules(s, path, host);
  };
}

/**
 * For a fetch the simulator makes on someone else's behalf (an Android provisioning payload the
 * admin's console shows as a QR code): no device rule applies. The chain is still verified by
 * OpenSSL to a trusted anchor, with the host name.
 */
export const OUT_OF_BAND: ServerTrust = () => undefined;

/**
 * Whether the platform's TLS clients fetch a missing intermediate from the leaf's Authority Information
 * Access caIssuers URL (AIA chasing), and how long one fetch may take:
 * - Windows — CryptoAPI builds chains from cached certificates and, when none ends in a self-signed
 *   certificate, "attempt[s] to retrieve issuer certificates specified in the authority information access
 *   extension to complete the chain" (Microsoft Learn, "How Certificate Revocation Works",
 *   https://learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2008-R2-and-2008/ee619754(v=ws.10));
 *   an unreachable retrieval URL times out after 15 seconds (Microsoft, "Application / Certificate
 *   Performance Issues with Vista and FDCC", blogs.technet.microsoft.com/fdcc/2008/10/13).
 * - Apple — "By default, network fetch of missing certificates is enabled if the trust evaluation includes
 *   the SSL policy" (Apple, SecTrustSetNetworkFetchAllowed,
 *   https://developer.apple.com/documentation/security/sectrustsetnetworkfetchallowed(_:_:)); the fetch's
 *   timeout is not published (the request's own deadline applies).
 * - Android — Conscrypt, which apps and the platform use for TLS, does not fetch missing certificates
 *   (google/conscrypt#1048 "Implement AIA", open; square/okhttp#7052: OkHttp leaves validation to the
 *   platform stack): the chain fails with "Trust anchor for certification path not found."
 */
export function chasesAia(platform: Platform): { timeoutMs?: number } | undefined {
  switch (platform) {
    case "windows":
      return { timeoutMs: 15_000 };
    case "ios":
    case "ipados":
    case "macos":
      return {};
    default:
      return undefined;
  }
}
