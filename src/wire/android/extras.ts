// SPDX-License-Identifier: MIT
/**
 * Every `android.app.extra.PROVISIONING_*` extra: type, default, alias and validation rule, from
 * AOSP ManagedProvisioning (`ExtrasProvisioningDataParser`, `PropertiesProvisioningDataParser`,
 * `StoreUtils`) and the DevicePolicyManager reference (shared notes android.md §2).
 */
export const EXTRA_PREFIX = "android.app.extra.";

export type ExtraType =
  | "string"
  | "url"
  | "component"
  | "package"
  | "checksum"
  | "bool"
  | "int"
  | "long"
  | "enum"
  | "bundle"
  | "locale"
  | "timezone"
  | "disclaimers"
  | "account"
  | "int-list";

export interface ExtraSpec {
  /** Name after `android.app.extra.`. */
  name: string;
  /** Short alias (`a.a.e.PDACN`), accepted in intents and NFC. */
  alias?: string;
  type: ExtraType;
  default?: string | number | boolean;
  /** Allowed values of an enum. */
  values?: readonly string[];
  /** Unknown enum values fall back to this instead of failing (WIFI_SECURITY_TYPE → NONE). */
  fallback?: string;
  /** Only read when this extra is present (the Wi-Fi keys need the SSID). */
  requires?: string;
  deprecated?: boolean;
  /** Sent by the platform to the DPC, never read from a payload. */
  toDpc?: boolean;
  rule: string;
}

const WIFI = "PROVISIONING_WIFI_SSID";

export const EXTRAS: readonly ExtraSpec[] = [
  { name: "PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME", alias: "a.a.e.PDACN", type: "component", rule: "pkg/cls (pkg/.Cls legal); required unless the deprecated package name is given; the downloaded APK must contain this DeviceAdminReceiver" },
  { name: "PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME", alias: "a.a.e.PDAPN", type: "package", deprecated: true, rule: "Java package name; honoured only for PROVISION_MANAGED_PROFILE and NFC" },
  { name: "PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION", alias: "a.a.e.PDAPDL", type: "url", rule: "http(s) URL; present → download, verify, install; needs a package or signature checksum" },
  { name: "PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER", alias: "a.a.e.PDAPDCH", type: "string", rule: "sent as Cookie: on the APK download" },
  { name: "PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM", alias: "a.a.e.PDAPC", type: "checksum", rule: "URL-safe base64 SHA-256 of the APK file; wins over the signature checksum" },
  { name: "PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM", alias: "a.a.e.PDASC", type: "checksum", rule: "URL-safe base64 SHA-256 of a signing certificate's DER; used only without a package checksum" },
  { name: "PROVISIONING_DEVICE_ADMIN_MINIMUM_VERSION_CODE", alias: "a.a.e.PDAMVC", type: "int", default: 2147483647, rule: "installed DPC with versionCode ≥ this → download skipped" },
  { name: "PROVISIONING_WIFI_SSID", alias: "a.a.e.PWS", type: "string", rule: "Wi-Fi configured before download; other Wi-Fi keys read only with an SSID" },
  { name: "PROVISIONING_WIFI_SECURITY_TYPE", alias: "a.a.e.PWST", type: "enum", values: ["NONE", "WPA", "WEP", "EAP"], fallback: "NONE", default: "NONE", requires: WIFI, rule: "unknown values fall back to NONE" },
  { name: "PROVISIONING_WIFI_PASSWORD", alias: "a.a.e.PWP", type: "string", requires: WIFI, rule: "PSK/WEP key" },
  { name: "PROVISIONING_WIFI_HIDDEN", alias: "a.a.e.PWH", type: "bool", default: false, requires: WIFI, rule: "boolean" },
  { name: "PROVISIONING_WIFI_EAP_METHOD", alias: "a.a.e.PWEM", type: "enum", values: ["PEAP", "TLS", "TTLS", "PWD", "SIM", "AKA", "AKA_PRIME"], requires: WIFI, rule: "EAP method" },
  { name: "PROVISIONING_WIFI_PHASE2_AUTH", alias: "a.a.e.PWPA", type: "enum", values: ["NONE", "PAP", "MSCHAP", "MSCHAPV2", "GTC", "SIM", "AKA"], requires: WIFI, rule: "phase-2 authentication" },
  { name: "PROVISIONING_WIFI_CA_CERTIFICATE", alias: "a.a.e.PWCC", type: "string", requires: WIFI, rule: "base64 certificate" },
  { name: "PROVISIONING_WIFI_USER_CERTIFICATE", alias: "a.a.e.PWUC", type: "string", requires: WIFI, rule: "base64 PKCS#12" },
  { name: "PROVISIONING_WIFI_IDENTITY", alias: "a.a.e.PWI", type: "string", requires: WIFI, rule: "EAP identity" },
  { name: "PROVISIONING_WIFI_ANONYMOUS_IDENTITY", alias: "a.a.e.PWAI", type: "string", requires: WIFI, rule: "EAP anonymous identity" },
  { name: "PROVISIONING_WIFI_DOMAIN", alias: "a.a.e.PWD", type: "string", requires: WIFI, rule: "EAP domain" },
  { name: "PROVISIONING_WIFI_PROXY_HOST", alias: "a.a.e.PWPH", type: "string", requires: WIFI, rule: "proxy host" },
  { name: "PROVISIONING_WIFI_PROXY_PORT", alias: "a.a.e.PWPRP", type: "int", default: 0, requires: WIFI, rule: "0–65535" },
  { name: "PROVISIONING_WIFI_PROXY_BYPASS", alias: "a.a.e.PWPB", type: "string", requires: WIFI, rule: "proxy bypass list" },
  { name: "PROVISIONING_WIFI_PAC_URL", alias: "a.a.e.PWPU", type: "string", requires: WIFI, rule: "PAC URL" },
  { name: "PROVISIONING_USE_MOBILE_DATA", alias: "a.a.e.PUMD", type: "bool", default: false, rule: "with no Wi-Fi info: connect over mobile data" },
  { name: "PROVISIONING_SKIP_ENCRYPTION", alias: "a.a.e.PSE", type: "bool", default: false, rule: "skip pre-provisioning encryption" },
  { name: "PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED", alias: "a.a.e.PLASAE", type: "bool", default: false, rule: "otherwise non-required system apps are disabled" },
  { name: "PROVISIONING_LOCALE", alias: "a.a.e.PL", type: "locale", rule: "e.g. en_US; `_`→`-` then BCP-47 parse" },
  { name: "PROVISIONING_TIME_ZONE", alias: "a.a.e.PTZ", type: "timezone", rule: "tz id, e.g. America/New_York" },
  { name: "PROVISIONING_LOCAL_TIME", alias: "a.a.e.PLT", type: "long", default: -1, rule: "ms since the epoch" },
  { name: "PROVISIONING_ADMIN_EXTRAS_BUNDLE", alias: "a.a.e.PAEB", type: "bundle", rule: "JSON object → PersistableBundle (NFC: a nested Properties string, string values only); handed to the DPC" },
  { name: "PROVISIONING_ORGANIZATION_NAME", alias: "a.a.e.PON", type: "string", rule: "shown in the UI" },
  { name: "PROVISIONING_SUPPORT_URL", alias: "a.a.e.PSU", type: "string", rule: "trusted source and financed only" },
  { name: "PROVISIONING_LOGO_URI", alias: "a.a.e.PLU", type: "string", rule: "not honoured for trusted source" },
  { name: "PROVISIONING_DISCLAIMERS", alias: "a.a.e.PD", type: "disclaimers", rule: "array of {header, content} bundles" },
  { name: "PROVISIONING_DISCLAIMER_HEADER", alias: "a.a.e.PDH", type: "string", rule: "disclaimer bundle key" },
  { name: "PROVISIONING_DISCLAIMER_CONTENT", alias: "a.a.e.PDC", type: "string", rule: "disclaimer bundle key" },
  { name: "PROVISIONING_SKIP_EDUCATION_SCREENS", alias: "a.a.e.PSES", type: "bool", default: false, rule: "ignored for QR, cloud-enrollment and NFC triggers" },
  { name: "PROVISIONING_SENSORS_PERMISSION_GRANT_OPT_OUT", alias: "a.a.e.PPSGOO", type: "bool", default: false, rule: "boolean" },
  { name: "PROVISIONING_ACCOUNT_TO_MIGRATE", alias: "a.a.e.PATM", type: "account", rule: "Account {name, type}; profile flows" },
  { name: "PROVISIONING_KEEP_ACCOUNT_ON_MIGRATION", alias: "a.a.e.PKAOM", type: "bool", default: false, rule: "PROVISION_MANAGED_PROFILE only" },
  { name: "PROVISIONING_SUPPORTED_MODES", type: "int", rule: "flags 1 organisation-owned, 2 personally-owned, 4 device owner; trusted source only" },
  { name: "PROVISIONING_SKIP_OWNERSHIP_DISCLAIMER", type: "bool", default: false, rule: "trusted source only" },
  { name: "PROVISIONING_RETURN_BEFORE_POLICY_COMPLIANCE", type: "bool", default: true, rule: "forced true for NFC/financed" },
  { name: "PROVISIONING_TRIGGER", type: "int", default: 0, rule: "0 unspecified, 1 cloud enrollment, 2 QR, 3 persistent DO, 4 managed account, 5 NFC" },
  { name: "PROVISIONING_ALLOWED_PROVISIONING_MODES", type: "int-list", toDpc: true, rule: "sent to the DPC in GET_PROVISIONING_MODE (Android 12+)" },
  { name: "PROVISIONING_IMEI", type: "string", toDpc: true, rule: "sent to the DPC for organisation-owned initiators" },
  { name: "PROVISIONING_SERIAL_NUMBER", type: "string", toDpc: true, rule: "sent to the DPC for organisation-owned initiators" },
  { name: "PROVISIONING_MODE", type: "int", toDpc: true, rule: "DPC result: 1 fully managed, 2 managed profile, 3 managed profile on a personal device" },
  { name: "PROVISIONING_MAIN_COLOR", type: "int", deprecated: true, rule: "deprecated; accepted with a warning" },
  { name: "PROVISIONING_SKIP_USER_SETUP", type: "bool", deprecated: true, rule: "deprecated; accepted with a warning" },
  { name: "PROVISIONING_SKIP_USER_CONSENT", type: "bool", deprecated: true, rule: "deprecated; accepted with a warning" },
  { name: "PROVISIONING_EMAIL_ADDRESS", type: "string", deprecated: true, rule: "deprecated; accepted with a warning" },
  { name: "PROVISIONING_KEEP_SCREEN_ON", type: "bool", deprecated: true, rule: "deprecated; accepted with a warning" },
];

const BY_NAME = new Map(EXTRAS.map((e) => [e.name, e]));
const BY_ALIAS = new Map(EXTRAS.filter((e) => e.alias).map((e) => [e.alias!, e]));

/** Resolves a payload key (long `android.app.extra.X` or alias `a.a.e.X`) to its spec. */
export function extraFor(key: string): ExtraSpec | undefined {
  if (key.startsWith(EXTRA_PREFIX)) return BY_NAME.get(key.slice(EXTRA_PREFIX.length));
  return BY_ALIAS.get(key);
}

export const longKey = (name: string): string => EXTRA_PREFIX + name;

/** Provisioning modes (EXTRA_PROVISIONING_MODE). */
export const PROVISIONING_MODE = { FULLY_MANAGED_DEVICE: 1, MANAGED_PROFILE: 2, MANAGED_PROFILE_ON_PERSONAL_DEVICE: 3 } as const;
/** EXTRA_PROVISIONING_TRIGGER values. */
export const PROVISIONING_TRIGGER = { UNSPECIFIED: 0, CLOUD_ENROLLMENT: 1, QR_CODE: 2, PERSISTENT_DEVICE_OWNER: 3, MANAGED_ACCOUNT: 4, NFC: 5 } as const;
export const ACTIONS = {
  PROVISION_MANAGED_DEVICE: "android.app.action.PROVISION_MANAGED_DEVICE",
  PROVISION_MANAGED_PROFILE: "android.app.action.PROVISION_MANAGED_PROFILE",
  PROVISION_FROM_TRUSTED_SOURCE: "android.app.action.PROVISION_MANAGED_DEVICE_FROM_TRUSTED_SOURCE",
  GET_PROVISIONING_MODE: "android.app.action.GET_PROVISIONING_MODE",
  ADMIN_POLICY_COMPLIANCE: "android.app.action.ADMIN_POLICY_COMPLIANCE",
  PROFILE_PROVISIONING_COMPLETE: "android.app.action.PROFILE_PROVISIONING_COMPLETE",
  PROVISIONING_SUCCESSFUL: "android.app.action.PROVISIONING_SUCCESSFUL",
  ADD_DEVICE_ADMIN: "android.app.action.ADD_DEVICE_ADMIN",
} as const;
export const NFC_MIME = "application/com.android.managedprovisioning";
/** Android Device Policy (AMAPI DPC) constants (notes §9). */
export const CLOUDDPC = {
  component: "com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver",
  signatureChecksum: "I5YvS0O5hXY46mb01BlRjq4oJJGs2kuUcHvVkAPEXlg",
  downloadLocation: "https://play.google.com/managed/downloadManagingApp?identifier=setup",
  tokenExtra: "com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN",
} as const;

/**
 * The API level each extra was added in ("Added in API level N" on developer.android.com's
 * DevicePolicyManager reference, EXTRA_PROVISIONING_*). Extras not listed exist since API 21
 * (Android 5.0, where device-owner provisioning extras began) or are not release-gated here.
 * ManagedProvisioning reads only the extras its release knows: a newer one is ignored, as any
 * unknown key is (docs/android.md "Provisioning extras per API level").
 */
export const EXTRA_ADDED_IN: Readonly<Record<string, number>> = {
  PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME: 23,
  PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM: 23,
  PROVISIONING_ORGANIZATION_NAME: 24,
  PROVISIONING_SUPPORT_URL: 24,
  PROVISIONING_LOGO_URI: 24,
  PROVISIONING_MAIN_COLOR: 24,
  PROVISIONING_DISCLAIMERS: 26,
  PROVISIONING_KEEP_ACCOUNT_ON_MIGRATION: 26,
  PROVISIONING_SKIP_EDUCATION_SCREENS: 28,
  PROVISIONING_USE_MOBILE_DATA: 29,
  PROVISIONING_WIFI_EAP_METHOD: 30,
  PROVISIONING_WIFI_PHASE2_AUTH: 30,
  PROVISIONING_WIFI_CA_CERTIFICATE: 30,
  PROVISIONING_WIFI_USER_CERTIFICATE: 30,
  PROVISIONING_WIFI_IDENTITY: 30,
  PROVISIONING_WIFI_ANONYMOUS_IDENTITY: 30,
  PROVISIONING_WIFI_DOMAIN: 30,
};
