// SPDX-License-Identifier: MIT
/**
 * The platform services outside the MDM server that enrollment needs, and where the embedded
 * server plays them: a request to one of these stand-in paths is, to the device's network, a
 * request to the service's real host, so a network's `blocked`, `local` and `internet` rules name
 * the real host ("the firewall blocks play.google.com") and act on the stand-in. Hosts from the
 * vendors' published network requirements:
 *
 * - Apple, "Use Apple products on enterprise networks" (https://support.apple.com/101555):
 *   courier.push.apple.com (APNs, TCP 5223 with 443 fallback), iprofiles.apple.com (enrollment
 *   profiles of Automated Device Enrollment), deviceenrollment.apple.com, albert.apple.com (activation).
 * - Microsoft, "Windows Autopilot networking requirements"
 *   (https://learn.microsoft.com/autopilot/requirements?tabs=networking): ztd.dds.microsoft.com
 *   (the Autopilot deployment service), login.microsoftonline.com (Microsoft Entra sign-in),
 *   enterpriseregistration.windows.net (device registration); for firmware TPMs the manufacturers' EK
 *   certificate services ekop.intel.com, ftpm.amd.com, ekcert.spserv.microsoft.com (Qualcomm).
 * - Google, "Android Enterprise network requirements" (https://support.google.com/work/android/answer/10513641):
 *   play.google.com (the Android Device Policy download), androidmanagement.googleapis.com (the
 *   Android Management API), mtalk.google.com (Firebase Cloud Messaging, TCP 5228-5230).
 * - Samsung, "Knox Mobile Enrollment: network requirements" (docs.samsungknox.com): us-kme-api.samsungknox.com.
 *
 * A stand-in not listed here counts as the MDM server (keyword `mdm` in a network's host lists).
 */

export interface PlatformService {
  host: string;
  /** Path prefix of the embedded stand-in (matched against the request path). */
  path: RegExp;
  what: string;
}

export const PLATFORM_SERVICES: readonly PlatformService[] = [
  { host: "courier.push.apple.com", path: /^\/apple\/apns\/courier(\?|$)/, what: "Apple Push Notification service" },
  { host: "iprofiles.apple.com", path: /^\/apple\/ade\/(cloudconfig|softwareupdate)/, what: "Automated Device Enrollment cloud configuration" },
  { host: "ztd.dds.microsoft.com", path: /^\/windows\/autopilot\//, what: "Windows Autopilot deployment service" },
  { host: "login.microsoftonline.com", path: /^\/EnrollmentServer\/Auth/, what: "Microsoft Entra sign-in" },
  // The Android enrollment app's sign-in page (the DPC's Chrome custom tab, SIGNIN_URL): the embedded identity provider
  // answers as Microsoft Entra does (AADSTS codes), so to the network it is Entra's sign-in host.
  { host: "login.microsoftonline.com", path: /^\/android\/idp\//, what: "Microsoft Entra sign-in (the Android enrollment app's sign-in tab)" },
  { host: "enterpriseregistration.windows.net", path: /^\/windows\/drs\//, what: "Microsoft Entra device registration" },
  // Firmware TPMs fetch their EK certificate from the manufacturer on first use (Autopilot requirements, networking).
  { host: "ekop.intel.com", path: /^\/windows\/tpm\/ekcert\/intel\//, what: "Intel firmware TPM (PTT) EK certificate service" },
  { host: "ftpm.amd.com", path: /^\/windows\/tpm\/ekcert\/amd\//, what: "AMD firmware TPM EK certificate service" },
  { host: "ekcert.spserv.microsoft.com", path: /^\/windows\/tpm\/ekcert\/qualcomm\//, what: "Qualcomm firmware TPM EK certificate service" },
  { host: "play.google.com", path: /^\/android\/apk\/clouddpc\.apk/, what: "Android Device Policy download (Google Play)" },
  // The token and afw# flows install Android Device Policy from Google Play (android.trigger.play-install reads the
  // profile's install extras here); a QR code's payload at the same path is the simulator's own fetch and meets no network.
  { host: "play.google.com", path: /^\/android\/provisioning\/[^/]+\/qr\.json/, what: "Google Play install of Android Device Policy" },
  { host: "androidmanagement.googleapis.com", path: /^\/android\/amapi\/device\//, what: "Android Management API (device side)" },
  { host: "mtalk.google.com", path: /^\/android\/fcm\/poll\//, what: "Firebase Cloud Messaging" },
  { host: "us-kme-api.samsungknox.com", path: /^\/android\/provisioning\/[^/]+\/kme\.json/, what: "Samsung Knox Mobile Enrollment" },
];

/**
 * The CA certificate hosts the embedded server stands in for: a served leaf's Authority Information Access
 * caIssuers URL is /pki/aia/<host>/<serial>.cer on the server (server/tls-chain.ts, `intermediate.aiaHost`),
 * and to the device's network that fetch goes to <host>.
 */
const AIA_STAND_IN = /^\/pki\/aia\/([^/?]+)\//;

/** The real host a request to the run's server stands for, or undefined: the MDM server itself. */
export function serviceHostOf(pathAndQuery: string): string | undefined {
  const aia = AIA_STAND_IN.exec(pathAndQuery);
  if (aia) return decodeURIComponent(aia[1]!).toLowerCase();
  return PLATFORM_SERVICES.find((s) => s.path.test(pathAndQuery))?.host;
}
