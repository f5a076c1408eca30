// SPDX-License-Identifier: MIT
/**
 * Whether a root certificate that arrived in a configuration profile (com.apple.security.root / .pkcs1 /
 * .pem payload) is trusted for TLS, by platform, release and how the profile was installed, and the
 * user's Certificate Trust Settings (device state `certificateTrustSettings`).
 *
 * | platform, release | installed by | trusted for TLS |
 * |---|---|---|
 * | iOS/iPadOS 10.3+ | the user (downloaded in Safari or sent by mail, installed in Settings) | no, until the user turns on full trust for it in Settings › General › About › Certificate Trust Settings |
 * | iOS/iPadOS 10.3+ | MDM (InstallProfile), Apple Configurator, Automated Device Enrollment, account-driven enrollment | yes |
 * | iOS/iPadOS before 10.3 | any | yes |
 * | macOS | any (the user installs and approves it in the Profiles pane, or a script as root) | yes |
 *
 * Sources: Apple support 102390 (HT204477) "Trust manually installed certificate profiles in iOS and iPadOS":
 * "If you manually install a profile that contains a certificate payload in iOS and iPadOS, that certificate
 * isn't automatically trusted for SSL … go to Settings > General > About > Certificate Trust Settings. Under
 * 'Enable full trust for root certificates,' turn on trust for the certificate"; "Certificate payloads are
 * automatically trusted for SSL when installed with Configurator, MDM, or as part of an MDM enrollment
 * profile". The release: the article's 2017 wording, "In iOS 10.3 and later, when you manually install a
 * profile that contains a certificate payload, that certificate isn't automatically trusted for SSL" (quoted
 * in Cloud Middleman, "Certificate Trust Settings — iOS", 2017-05-08; Jamf, "Enhancements to certificate
 * security for MDM enrollment", 2017-04-11: "Due to enhanced security requirements in iOS 10.3 …").
 *
 * Where the field and Apple's sentence differ: Apple's "as part of an MDM enrollment profile" reads as if a
 * hand-installed enrollment profile's own roots were trusted; the field says they are not for the enrollment's
 * own check-in: MicroMDM's maintainer, "the embedded self-signed certs in the enrollment profile only work on
 * macOS — they're not honored on iOS. On iOS … you've had to pre-trust the self-signed certs before enrollment
 * could happen (or be using DEP with anchor certs)" (github.com/micromdm/micromdm/issues/628), iOS 15.5 failing
 * with MCInstallationErrorDomain 4001 where macOS installs the same profile (micromdm#836), and the fix of
 * project-imas/mdm-server#47 (Certificate Trust Settings). The model follows the field for a hand-installed
 * profile and Apple for the channels it names. macOS publishes no such step: roots of a profile the user
 * installs are trusted (micromdm#836, #628: the Mac enrolls with the same profile).
 */
import { compareVersions } from "../../wire/version.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import type { DeviceIdentity } from "../identity.js";
import type { AppleDevice } from "./state.js";

/** How a profile reached the device. */
export type ProfileChannel = "manual" | "mdm" | "configurator" | "ade" | "account";

export const CERTIFICATE_TRUST_SOURCE = 'Apple support 102390 "Trust manually installed certificate profiles in iOS and iPadOS"';

/** The first iOS/iPadOS release that withholds TLS trust from a hand-installed profile's roots. */
const WITHHELD_FROM = "10.3";

/** Whether roots of a profile installed through `channel` are trusted for TLS at once, and why. */
export function trustOnInstall(os: "iOS" | "macOS", version: string, channel: ProfileChannel): { trusted: boolean; why: string } {
  if (os === "macOS") return { trusted: true, why: "macOS trusts the roots of a profile the user installed" };
  if (compareVersions(version, WITHHELD_FROM) < 0) return { trusted: true, why: `iOS/iPadOS before ${WITHHELD_FROM} trusts a profile's roots` };
  if (channel !== "manual")
    return {
      trusted: true,
      why: `installed by ${channel === "mdm" ? "MDM" : channel === "ade" ? "Automated Device Enrollment" : channel === "configurator" ? "Apple Configurator" : "account-driven enrollment"}: trusted for SSL (${CERTIFICATE_TRUST_SOURCE})`,
    };
  return { trusted: false, why: `installed by hand on iOS/iPadOS ${WITHHELD_FROM}+: not trusted for SSL until full trust is turned on in Settings › General › About › Certificate Trust Settings (${CERTIFICATE_TRUST_SOURCE})` };
}

/** A certificate's common name, as Certificate Trust Settings lists it. */
export const commonName = (c: Certificate): string => /(?:^|,)\s*CN=([^,]+)/.exec(c.subject)?.[1]?.trim() ?? c.subject;

/** Whether the user turned on full trust for the root named `cn` (state.certificateTrustSettings.fullTrust: common names, or "all"), read live. */
function fullTrustNamed(identity: DeviceIdentity, cn: string): boolean {
  const on = identity.state?.certificateTrustSettings?.fullTrust;
  return on === "all" || (Array.isArray(on) && on.includes(cn));
}

/** Whether the user turned on full trust for `c`. */
export function fullTrustOn(dev: AppleDevice, c: Certificate): boolean {
  return fullTrustNamed(dev.ctx.identity, commonName(c));
}

/** The installed roots the device trusts for TLS now: all but those waiting for full trust the user has not turned on. */
export function tlsAnchors(dev: AppleDevice): Certificate[] {
  return dev.store.anchors.filter((a) => !dev.store.needsFullTrust.has(a) || fullTrustOn(dev, a));
}

/**
 * After a profile installed: the roots it added (not in `before`) wait for full trust when the rule withholds it.
 * Returns what the transcript records of each.
 */
export function applyInstallTrust(dev: AppleDevice, before: ReadonlySet<Certificate>, channel: ProfileChannel): Record<string, unknown>[] {
  const added = dev.store.anchors.filter((a) => !before.has(a));
  if (added.length === 0) return [];
  const rule = trustOnInstall(dev.osName, dev.osVersion, channel);
  return added.map((a) => {
    if (!rule.trusted) dev.store.needsFullTrust.add(a);
    const full = !rule.trusted && fullTrustOn(dev, a);
    return { root: commonName(a), channel, tls: rule.trusted ? "trusted" : full ? "trusted (full trust on in Certificate Trust Settings)" : "not trusted", why: rule.why };
  });
}

/**
 * The installed roots as keychain entries the runner keeps between sessions (FlowResult.keychain.roots →
 * EnrolledState.certificates), so a steady check-in that needs a fresh TLS handshake trusts what the device
 * trusts: label `apple-root#cn=<CN>&tls=1` for a root trusted for TLS on install, `&tls=0` for one that waits for
 * full trust (judged again at each check-in from the live Certificate Trust Settings, so the rule holds after
 * enrollment too: a toggle turned on later takes effect, one never turned on keeps the root out).
 */
export const ROOT_LABEL_MARK = "apple-root#";

export function rootEntries(dev: AppleDevice): { label: string; certificate: Certificate }[] {
  return dev.store.anchors.map((c) => ({ label: `${ROOT_LABEL_MARK}${new URLSearchParams({ cn: commonName(c), tls: dev.store.needsFullTrust.has(c) ? "0" : "1" }).toString()}`, certificate: c }));
}

/** PEMs of the kept roots (`rootEntries`) the device trusts for TLS now. */
export function keptTlsRoots(identity: DeviceIdentity, certificates: readonly { label: string; pem: string }[]): string[] {
  const out: string[] = [];
  for (const c of certificates) {
    if (!c.label.startsWith(ROOT_LABEL_MARK)) continue;
    const p = new URLSearchParams(c.label.slice(ROOT_LABEL_MARK.length));
    if (p.get("tls") !== "0" || fullTrustNamed(identity, p.get("cn") ?? "")) out.push(c.pem);
  }
  return out;
}
