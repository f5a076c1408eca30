// SPDX-License-Identifier: MIT
/** Builds provisioning payloads (QR JSON objects, NFC Properties) for servers and the CLI. */
import { EXTRA_PREFIX } from "./extras.js";
import type { Bundle } from "./payload.js";
import { stringifyProperties } from "./properties.js";

export type QrMode = "fully-managed" | "dedicated" | "cope" | "aosp";

export interface QrPayloadInput {
  component: string;
  downloadLocation?: string;
  packageChecksum?: string;
  signatureChecksum?: string;
  cookieHeader?: string;
  wifi?: { ssid: string; securityType?: "NONE" | "WPA" | "WEP" | "EAP"; password?: string; hidden?: boolean };
  useMobileData?: boolean;
  leaveAllSystemAppsEnabled?: boolean;
  skipEncryption?: boolean;
  locale?: string;
  timeZone?: string;
  organizationName?: string;
  adminExtras?: Bundle;
  /** Extra keys copied verbatim (fault injection, vendor keys). */
  raw?: Record<string, unknown>;
}

/** A QR payload object with long keys, in the order vendors emit them. */
export function buildQrPayload(i: QrPayloadInput): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const put = (k: string, v: unknown) => {
    if (v !== undefined) o[EXTRA_PREFIX + k] = v;
  };
  put("PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME", i.component);
  put("PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION", i.downloadLocation);
  put("PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER", i.cookieHeader);
  put("PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM", i.packageChecksum);
  put("PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM", i.signatureChecksum);
  if (i.wifi) {
    put("PROVISIONING_WIFI_SSID", i.wifi.ssid);
    put("PROVISIONING_WIFI_SECURITY_TYPE", i.wifi.securityType ?? (i.wifi.password ? "WPA" : "NONE"));
    put("PROVISIONING_WIFI_PASSWORD", i.wifi.password);
    put("PROVISIONING_WIFI_HIDDEN", i.wifi.hidden);
  }
  put("PROVISIONING_USE_MOBILE_DATA", i.useMobileData);
  put("PROVISIONING_SKIP_ENCRYPTION", i.skipEncryption);
  put("PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED", i.leaveAllSystemAppsEnabled);
  put("PROVISIONING_LOCALE", i.locale);
  put("PROVISIONING_TIME_ZONE", i.timeZone);
  put("PROVISIONING_ORGANIZATION_NAME", i.organizationName);
  put("PROVISIONING_ADMIN_EXTRAS_BUNDLE", i.adminExtras);
  Object.assign(o, i.raw ?? {});
  return o;
}

/** The same extras as NFC Properties text (admin extras as a nested Properties string). */
export function buildNfcPayload(qr: Record<string, unknown>): string {
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(qr)) {
    if (k === EXTRA_PREFIX + "PROVISIONING_ADMIN_EXTRAS_BUNDLE" && typeof v === "object" && v !== null)
      entries.push([k, stringifyProperties(Object.entries(v).map(([a, b]) => [a, typeof b === "string" ? b : JSON.stringify(b)]))]);
    else entries.push([k, typeof v === "string" ? v : JSON.stringify(v)]);
  }
  return stringifyProperties(entries);
}
