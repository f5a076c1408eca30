// SPDX-License-Identifier: MIT
/**
 * Provisioning payloads → validated `ProvisioningParams`, with ManagedProvisioning's rules:
 * QR JSON (long keys, admin extras as a nested object), NFC (Java Properties, string values,
 * admin extras as a nested Properties string), afw#setup, zero-touch configurations (`dpcExtras`
 * JSON string) and Samsung KME profiles (custom JSON merged into the admin extras).
 * Hostile input (not JSON, wrong types, unknown extras, oversize or deeply nested bundles) ends
 * in a {@link ProvisioningPayloadError} carrying the setup wizard's text.
 */
import { decodeUrlSafeBase64 } from "./base64url.js";
import { ProvisioningPayloadError } from "./errors.js";
import { EXTRAS, EXTRA_ADDED_IN, EXTRA_PREFIX, extraFor, PROVISIONING_TRIGGER, type ExtraSpec } from "./extras.js";
import { parseProperties } from "./properties.js";

export type PayloadSource = "qr" | "nfc" | "zero-touch" | "kme" | "afw" | "intent";

export const LIMITS = {
  /** Largest payload text accepted (a QR holds at most ~2.9 kB; NFC tags less). */
  payloadBytes: 16 * 1024,
  /** Above this a QR at ECC M gets too dense for setup scanners (field failure android-qr-too-large). */
  qrWarnBytes: 1200,
  bundleBytes: 8 * 1024,
  bundleKeys: 256,
  depth: 8,
} as const;

export interface WifiParams {
  ssid: string;
  securityType: "NONE" | "WPA" | "WEP" | "EAP";
  password?: string;
  hidden: boolean;
  eapMethod?: string;
  phase2Auth?: string;
  identity?: string;
  proxyHost?: string;
  proxyPort: number;
  /** PROVISIONING_WIFI_PAC_URL: the network's proxy auto-config file (NetworkMonitor probes it instead of generate_204). */
  pacUrl?: string;
}

export interface DownloadParams {
  location: string;
  cookieHeader?: string;
  packageChecksum?: Uint8Array;
  signatureChecksum?: Uint8Array;
  minimumVersionCode: number;
}

export type BundleValue = string | number | boolean | BundleValue[] | { [k: string]: BundleValue };
export type Bundle = Record<string, BundleValue>;

export interface ProvisioningParams {
  source: PayloadSource;
  trigger: number;
  /** Admin component, `.Cls` expanded against the package. */
  component?: { pkg: string; cls: string };
  /** The DPC package (from the component, or the deprecated package-name extra). */
  packageName: string;
  download?: DownloadParams;
  wifi?: WifiParams;
  useMobileData: boolean;
  skipEncryption: boolean;
  leaveAllSystemAppsEnabled: boolean;
  locale?: string;
  timeZone?: string;
  localTime: number;
  organizationName?: string;
  supportedModes?: number;
  adminExtras: Bundle;
  /** Every recognised extra with its typed value, keyed by long name. */
  extras: Record<string, unknown>;
  warnings: string[];
}

export interface ValidateOptions {
  /** Unknown `android.app.extra.*` keys and non-extra keys are errors (default) or warnings. */
  strict?: boolean;
  /** The device's API level: extras added later (EXTRA_ADDED_IN) are ignored, as that release ignores them. */
  apiLevel?: number;
}

const JAVA_PKG = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const JAVA_CLS = /^\.?[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;

/** Nesting depth of JSON text, counted outside strings, before parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** JSON text → object, bounded in size and depth. */
export function parseJsonObject(text: string, what: string, maxBytes: number = LIMITS.payloadBytes): Record<string, unknown> {
  if (text.length > maxBytes) throw new ProvisioningPayloadError("too-large", undefined, `(${what} is ${text.length} bytes; limit ${maxBytes})`);
  if (jsonDepth(text) > LIMITS.depth + 1) throw new ProvisioningPayloadError("too-deep", undefined, `(${what} nests deeper than ${LIMITS.depth} levels)`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ProvisioningPayloadError("not-json", undefined, `(${what} is not JSON: ${(e as Error).message})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ProvisioningPayloadError("not-json", undefined, `(${what} is not a JSON object)`);
  return v as Record<string, unknown>;
}

function checkBundle(v: unknown, key: string, depth: number, count: { n: number }): BundleValue {
  if (depth > LIMITS.depth) throw new ProvisioningPayloadError("too-deep", key, `(admin extras nest deeper than ${LIMITS.depth} levels)`);
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new ProvisioningPayloadError("invalid-type", key, "(non-finite number)");
    return v;
  }
  if (Array.isArray(v)) {
    const kinds = new Set(v.map((x) => typeof x));
    if (kinds.size > 1 || [...kinds].some((k) => k !== "string" && k !== "number" && k !== "boolean" && k !== "object"))
      throw new ProvisioningPayloadError("invalid-type", key, "(PersistableBundle arrays hold one primitive type or bundles)");
    return v.map((x, i) => checkBundle(x, `${key}[${i}]`, depth + 1, count));
  }
  if (typeof v === "object" && v !== null) {
    const out: Bundle = {};
    for (const [k, x] of Object.entries(v)) {
      if (++count.n > LIMITS.bundleKeys) throw new ProvisioningPayloadError("too-large", key, `(admin extras hold more than ${LIMITS.bundleKeys} keys)`);
      out[k] = checkBundle(x, k, depth + 1, count);
    }
    return out;
  }
  throw new ProvisioningPayloadError("invalid-type", key, `(null is not a PersistableBundle value)`);
}

/** Validates an admin-extras bundle (size, depth, PersistableBundle types). */
export function validateBundle(v: unknown, key = "PROVISIONING_ADMIN_EXTRAS_BUNDLE"): Bundle {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ProvisioningPayloadError("invalid-type", key, "(expected a JSON object)");
  const size = JSON.stringify(v).length;
  if (size > LIMITS.bundleBytes) throw new ProvisioningPayloadError("too-large", key, `(admin extras are ${size} bytes; limit ${LIMITS.bundleBytes})`);
  return checkBundle(v, key, 0, { n: 0 }) as Bundle;
}

function coerce(spec: ExtraSpec, raw: unknown, source: PayloadSource, warnings: string[]): unknown {
  const name = spec.name;
  const stringly = source === "nfc";
  const bad = (): never => {
    throw new ProvisioningPayloadError("invalid-type", name, `(expected ${spec.type}, got ${Array.isArray(raw) ? "array" : typeof raw})`);
  };
  switch (spec.type) {
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "string") {
        if (stringly) return raw.toLowerCase() === "true"; // Boolean.parseBoolean
        if (raw === "true" || raw === "false") {
          warnings.push(`${name}: boolean given as the string "${raw}" (accepted, as field QR codes do)`);
          return raw === "true";
        }
      }
      return bad();
    case "int":
    case "long": {
      if (typeof raw === "number") {
        if (!Number.isInteger(raw)) return bad();
        if (spec.type === "int" && (raw > 2147483647 || raw < -2147483648)) throw new ProvisioningPayloadError("invalid-parameter", name, "(out of int range)");
        return raw;
      }
      if (typeof raw === "string") {
        if (!/^[+-]?\d{1,19}$/.test(raw.trim())) {
          if (stringly) throw new ProvisioningPayloadError("number-format", name, `("${raw.slice(0, 40)}" is not a number)`);
          return bad();
        }
        const n = Number(raw.trim());
        if (spec.type === "int" && (n > 2147483647 || n < -2147483648)) throw new ProvisioningPayloadError(stringly ? "number-format" : "invalid-parameter", name, "(out of int range)");
        if (!stringly) warnings.push(`${name}: number given as a string`);
        return n;
      }
      return bad();
    }
    case "bundle":
      if (stringly && typeof raw === "string") return Object.fromEntries(parseProperties(raw));
      return validateBundle(raw, name);
    case "disclaimers":
      if (!Array.isArray(raw) || raw.some((d) => typeof d !== "object" || d === null)) return bad();
      return validateBundle({ d: raw }, name).d;
    case "account":
      if (typeof raw !== "object" || raw === null || typeof (raw as { name?: unknown }).name !== "string" || typeof (raw as { type?: unknown }).type !== "string") return bad();
      return { name: (raw as { name: string }).name, type: (raw as { type: string }).type };
    case "int-list":
      if (!Array.isArray(raw) || raw.some((x) => !Number.isInteger(x))) return bad();
      return raw;
    default:
      break;
  }
  if (typeof raw !== "string") return bad();
  switch (spec.type) {
    case "url": {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new ProvisioningPayloadError("invalid-parameter", name, `("${raw.slice(0, 80)}" is not a URL)`);
      }
      if (u.protocol !== "https:" && u.protocol !== "http:") throw new ProvisioningPayloadError("invalid-parameter", name, `(scheme ${u.protocol} is not http(s))`);
      if (u.protocol === "http:") warnings.push(`${name}: plain http download location`);
      return raw;
    }
    case "component": {
      const [pkg, cls, more] = raw.split("/");
      if (more !== undefined || !pkg || !cls || !JAVA_PKG.test(pkg) || !JAVA_CLS.test(cls))
        throw new ProvisioningPayloadError("invalid-parameter", name, `("${raw.slice(0, 120)}" is not package/class)`);
      return { pkg, cls: cls.startsWith(".") ? pkg + cls : cls };
    }
    case "package":
      if (!JAVA_PKG.test(raw)) throw new ProvisioningPayloadError("invalid-parameter", name, `("${raw.slice(0, 120)}" is not a package name)`);
      return raw;
    case "checksum": {
      const d = decodeUrlSafeBase64(raw, name);
      if (d.skipped) warnings.push(`${name}: ${d.skipped} character(s) outside the URL-safe alphabet skipped by the decoder (hex or colon-hex checksum?)`);
      if (d.bytes.length === 20) warnings.push(`${name}: 20-byte (SHA-1) checksum; Android 10+ accepts only SHA-256`);
      else if (d.bytes.length !== 32) warnings.push(`${name}: decodes to ${d.bytes.length} bytes, not a 32-byte SHA-256`);
      if (d.bytes.length === 0) throw new ProvisioningPayloadError("invalid-parameter", name, "(empty checksum)");
      return d.bytes;
    }
    case "enum":
      if (spec.values!.includes(raw)) return raw;
      if (spec.fallback) {
        warnings.push(`${name}: unknown value "${raw.slice(0, 40)}" falls back to ${spec.fallback}`);
        return spec.fallback;
      }
      throw new ProvisioningPayloadError("invalid-parameter", name, `("${raw.slice(0, 40)}" is not one of ${spec.values!.join(", ")})`);
    case "locale":
      if (!/^[a-zA-Z]{2,8}([_-][a-zA-Z0-9]{1,8})*$/.test(raw)) throw new ProvisioningPayloadError("invalid-locale", name, `("${raw.slice(0, 40)}")`);
      return raw.replace(/_/g, "-");
    case "timezone":
      try {
        new Intl.DateTimeFormat("en", { timeZone: raw });
      } catch {
        throw new ProvisioningPayloadError("invalid-parameter", name, `("${raw.slice(0, 60)}" is not a time-zone id)`);
      }
      return raw;
    default:
      return raw;
  }
}

const TRIGGER_OF: Record<PayloadSource, number> = {
  qr: PROVISIONING_TRIGGER.QR_CODE,
  nfc: PROVISIONING_TRIGGER.NFC,
  "zero-touch": PROVISIONING_TRIGGER.CLOUD_ENROLLMENT,
  kme: PROVISIONING_TRIGGER.CLOUD_ENROLLMENT,
  afw: PROVISIONING_TRIGGER.MANAGED_ACCOUNT,
  intent: PROVISIONING_TRIGGER.UNSPECIFIED,
};

/** Validates a map of extras (long keys or aliases) as ManagedProvisioning does. */
export function validateExtras(input: Record<string, unknown>, source: PayloadSource, options: ValidateOptions = {}): ProvisioningParams {
  const strict = options.strict ?? true;
  const warnings: string[] = [];
  const values = new Map<string, unknown>();
  for (const [key, raw] of Object.entries(input)) {
    const spec = extraFor(key);
    if (!spec) {
      const msg = key.startsWith(EXTRA_PREFIX) ? `unknown extra ${key}` : `"${key.slice(0, 80)}" is not an android.app.extra.* key`;
      if (strict) throw new ProvisioningPayloadError("unknown-extra", key.slice(0, 120), `(${msg}; a real device ignores it silently)`);
      warnings.push(`${msg} (ignored)`);
      continue;
    }
    const addedIn = EXTRA_ADDED_IN[spec.name];
    if (options.apiLevel !== undefined && addedIn !== undefined && options.apiLevel < addedIn) {
      // Not a key this release knows: ManagedProvisioning never reads it (a valid payload for newer devices, so never refused).
      warnings.push(`${spec.name} was added in API level ${addedIn}; this device (API ${options.apiLevel}) ignores it`);
      continue;
    }
    if (!key.startsWith(EXTRA_PREFIX) && source === "qr") warnings.push(`${key}: short alias in a QR payload (QR support for aliases is unknown)`);
    if (values.has(spec.name)) throw new ProvisioningPayloadError("invalid-parameter", spec.name, "(given twice, long and short key)");
    if (spec.toDpc) throw new ProvisioningPayloadError("invalid-parameter", spec.name, "(set by the platform for the DPC, not read from a payload)");
    if (spec.deprecated && spec.name !== "PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME") warnings.push(`${spec.name} is deprecated`);
    values.set(spec.name, coerce(spec, raw, source, warnings));
  }
  const get = <T>(name: string): T | undefined => values.get(name) as T | undefined;
  const component = get<{ pkg: string; cls: string }>("PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME");
  const pkgName = get<string>("PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME");
  if (!component && !pkgName) throw new ProvisioningPayloadError("compulsory-missing", "PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME", "(neither the admin component nor the package name is given)");
  if (component && pkgName && component.pkg !== pkgName) warnings.push(`PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME ${pkgName} differs from the component's package ${component.pkg}`);
  const location = get<string>("PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION");
  const packageChecksum = get<Uint8Array>("PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM");
  const signatureChecksum = get<Uint8Array>("PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM");
  let download: DownloadParams | undefined;
  if (location) {
    if (!packageChecksum && !signatureChecksum)
      throw new ProvisioningPayloadError("compulsory-missing", "PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM", "(a download location needs a package or signature checksum)");
    if (packageChecksum && signatureChecksum) warnings.push("both checksums given: the package checksum wins, the signature checksum is not checked");
    download = {
      location,
      cookieHeader: get<string>("PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER"),
      packageChecksum,
      signatureChecksum,
      minimumVersionCode: get<number>("PROVISIONING_DEVICE_ADMIN_MINIMUM_VERSION_CODE") ?? 2147483647,
    };
  } else if (packageChecksum || signatureChecksum) warnings.push("checksum given without a download location: not used");
  const ssid = get<string>("PROVISIONING_WIFI_SSID");
  let wifi: WifiParams | undefined;
  if (ssid !== undefined) {
    if (ssid === "") throw new ProvisioningPayloadError("invalid-parameter", "PROVISIONING_WIFI_SSID", "(empty SSID)");
    const port = get<number>("PROVISIONING_WIFI_PROXY_PORT") ?? 0;
    if (port < 0 || port > 65535) throw new ProvisioningPayloadError("invalid-parameter", "PROVISIONING_WIFI_PROXY_PORT", `(${port} is not a port)`);
    wifi = {
      ssid,
      securityType: (get<string>("PROVISIONING_WIFI_SECURITY_TYPE") ?? "NONE") as WifiParams["securityType"],
      password: get<string>("PROVISIONING_WIFI_PASSWORD"),
      hidden: get<boolean>("PROVISIONING_WIFI_HIDDEN") ?? false,
      eapMethod: get<string>("PROVISIONING_WIFI_EAP_METHOD"),
      phase2Auth: get<string>("PROVISIONING_WIFI_PHASE2_AUTH"),
      identity: get<string>("PROVISIONING_WIFI_IDENTITY"),
      proxyHost: get<string>("PROVISIONING_WIFI_PROXY_HOST"),
      proxyPort: port,
      ...(get<string>("PROVISIONING_WIFI_PAC_URL") !== undefined ? { pacUrl: get<string>("PROVISIONING_WIFI_PAC_URL") } : {}),
    };
    if (wifi.securityType === "EAP" && !wifi.eapMethod) warnings.push("EAP Wi-Fi without PROVISIONING_WIFI_EAP_METHOD");
  } else {
    for (const spec of EXTRAS) if (spec.requires && values.has(spec.name)) {
      warnings.push(`${spec.name} ignored: no PROVISIONING_WIFI_SSID`);
      values.delete(spec.name);
    }
  }
  const modes = get<number>("PROVISIONING_SUPPORTED_MODES");
  if (modes !== undefined && (modes < 1 || modes > 7)) throw new ProvisioningPayloadError("invalid-parameter", "PROVISIONING_SUPPORTED_MODES", `(${modes} is not a combination of 1, 2, 4)`);
  const extras: Record<string, unknown> = {};
  for (const [k, v] of values) extras[EXTRA_PREFIX + k] = v;
  return {
    source,
    trigger: get<number>("PROVISIONING_TRIGGER") ?? TRIGGER_OF[source],
    component,
    packageName: component?.pkg ?? pkgName!,
    download,
    wifi,
    useMobileData: get<boolean>("PROVISIONING_USE_MOBILE_DATA") ?? false,
    skipEncryption: get<boolean>("PROVISIONING_SKIP_ENCRYPTION") ?? false,
    leaveAllSystemAppsEnabled: get<boolean>("PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED") ?? false,
    locale: get<string>("PROVISIONING_LOCALE"),
    timeZone: get<string>("PROVISIONING_TIME_ZONE"),
    localTime: get<number>("PROVISIONING_LOCAL_TIME") ?? -1,
    organizationName: get<string>("PROVISIONING_ORGANIZATION_NAME"),
    supportedModes: modes,
    adminExtras: (get<Bundle>("PROVISIONING_ADMIN_EXTRAS_BUNDLE") ?? {}) as Bundle,
    extras,
    warnings,
  };
}

/** A QR provisioning payload (JSON text). */
export function parseQrPayload(text: string, options: ValidateOptions = {}): ProvisioningParams {
  const obj = parseJsonObject(text, "QR payload");
  const p = validateExtras(obj, "qr", options);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > LIMITS.qrWarnBytes) p.warnings.push(`QR payload is ${bytes} bytes: above ~${LIMITS.qrWarnBytes} bytes a QR at ECC M is too dense for setup scanners`);
  return p;
}

/** An NFC provisioning payload (UTF-8 java.util.Properties text; every value a string). */
export function parseNfcPayload(text: string, options: ValidateOptions = {}): ProvisioningParams {
  if (text.length > LIMITS.payloadBytes) throw new ProvisioningPayloadError("too-large", undefined, `(NFC payload is ${text.length} bytes)`);
  const props = parseProperties(text);
  const p = validateExtras(Object.fromEntries(props), "nfc", options);
  if (Object.keys(p.adminExtras).length) p.warnings.push("NFC admin extras are string-only: a DPC expecting typed values reads strings");
  return p;
}

/** `afw#<identifier>` typed at the Google sign-in field. */
export function parseAfwIdentifier(text: string): { identifier: string; trigger: number } {
  const m = /^afw#([a-z0-9_.-]{1,64})$/i.exec(text.trim());
  if (!m) throw new ProvisioningPayloadError("invalid-parameter", undefined, `("${text.slice(0, 80)}" is not afw#<dpc-identifier>)`);
  return { identifier: m[1]!.toLowerCase(), trigger: PROVISIONING_TRIGGER.MANAGED_ACCOUNT };
}

/** A zero-touch customer configuration (customers.configurations resource). */
export interface ZeroTouchConfiguration {
  configurationName?: string;
  companyName: string;
  contactEmail?: string;
  contactPhone?: string;
  customMessage?: string;
  dpcResourcePath?: string;
  dpcExtras: string;
  isDefault?: boolean;
  forcedResetTime?: string;
}

export function parseZeroTouchConfiguration(text: string, options: ValidateOptions = {}): { config: ZeroTouchConfiguration; params: ProvisioningParams } {
  const obj = parseJsonObject(text, "zero-touch configuration");
  for (const k of ["companyName", "dpcExtras"] as const) if (typeof obj[k] !== "string") throw new ProvisioningPayloadError(obj[k] === undefined ? "compulsory-missing" : "invalid-type", `zero-touch ${k}`, "(expected a string)");
  for (const k of ["configurationName", "contactEmail", "contactPhone", "customMessage", "dpcResourcePath", "forcedResetTime"]) if (obj[k] !== undefined && typeof obj[k] !== "string") throw new ProvisioningPayloadError("invalid-type", `zero-touch ${k}`, "(expected a string)");
  const params = validateExtras(parseJsonObject(obj.dpcExtras as string, "dpcExtras"), "zero-touch", options);
  for (const k of ["PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION", "PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM", "PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_COOKIE_HEADER"])
    if (EXTRA_PREFIX + k in params.extras) params.warnings.push(`zero-touch: Google advises against ${k} in dpcExtras`);
  return { config: obj as unknown as ZeroTouchConfiguration, params };
}

/** A Samsung KME device-owner profile; `customJson` is merged into the admin extras with username/password/kmeUri. */
export interface KmeProfile {
  profileName?: string;
  companyName?: string;
  mdmApkUrl: string;
  adminComponent: string;
  signatureChecksum: string;
  customJson?: string;
  username?: string;
  password?: string;
  kmeUri?: string;
  skipSetupWizard?: boolean;
  leaveAllSystemAppsEnabled?: boolean;
}

export function parseKmeProfile(text: string, options: ValidateOptions = {}): { profile: KmeProfile; params: ProvisioningParams } {
  const obj = parseJsonObject(text, "KME profile");
  for (const k of ["mdmApkUrl", "adminComponent", "signatureChecksum"] as const) if (typeof obj[k] !== "string") throw new ProvisioningPayloadError(obj[k] === undefined ? "compulsory-missing" : "invalid-type", `KME ${k}`, "(expected a string)");
  const custom = obj.customJson === undefined ? {} : typeof obj.customJson === "string" ? parseJsonObject(obj.customJson, "KME custom JSON") : undefined;
  if (!custom) throw new ProvisioningPayloadError("invalid-type", "KME customJson", "(expected a JSON string)");
  const admin: Record<string, unknown> = { ...custom };
  for (const k of ["username", "password", "kmeUri"]) if (typeof obj[k] === "string") admin[k] = obj[k];
  const extras: Record<string, unknown> = {
    [EXTRA_PREFIX + "PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME"]: obj.adminComponent,
    [EXTRA_PREFIX + "PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION"]: obj.mdmApkUrl,
    [EXTRA_PREFIX + "PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM"]: obj.signatureChecksum,
    [EXTRA_PREFIX + "PROVISIONING_ADMIN_EXTRAS_BUNDLE"]: admin,
  };
  if (typeof obj.companyName === "string") extras[EXTRA_PREFIX + "PROVISIONING_ORGANIZATION_NAME"] = obj.companyName;
  if (obj.leaveAllSystemAppsEnabled !== undefined) extras[EXTRA_PREFIX + "PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED"] = obj.leaveAllSystemAppsEnabled;
  const params = validateExtras(extras, "kme", options);
  if (obj.customJson === undefined) params.warnings.push("KME profile without custom JSON: the DPC gets no enrollment token (field failure android-kme-missing-custom-json)");
  return { profile: obj as unknown as KmeProfile, params };
}

/** A JSON-serialisable summary of params (checksums as URL-safe base64). */
export function describeParams(p: ProvisioningParams): Record<string, unknown> {
  const b64 = (b?: Uint8Array) => (b ? Buffer.from(b).toString("base64url") : undefined);
  return {
    source: p.source,
    trigger: p.trigger,
    component: p.component ? `${p.component.pkg}/${p.component.cls}` : undefined,
    packageName: p.packageName,
    download: p.download && { ...p.download, packageChecksum: b64(p.download.packageChecksum), signatureChecksum: b64(p.download.signatureChecksum) },
    wifi: p.wifi && { ...p.wifi, password: p.wifi.password === undefined ? undefined : "[REDACTED]" },
    useMobileData: p.useMobileData,
    skipEncryption: p.skipEncryption,
    leaveAllSystemAppsEnabled: p.leaveAllSystemAppsEnabled,
    locale: p.locale,
    timeZone: p.timeZone,
    organizationName: p.organizationName,
    adminExtraKeys: Object.keys(p.adminExtras),
    warnings: p.warnings,
  };
}
