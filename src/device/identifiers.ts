// SPDX-License-Identifier: MIT
/**
 * Identifier generators for virtual devices: IMEI/MEID with their check digits, Apple serials and
 * UDIDs, MAC addresses, Windows DeviceID/HWDevID/device names, OEM serials, Android IDs.
 *
 * Pure: every value is drawn from the `Entropy` stream passed in, so the same stream gives the
 * same identifier. Catalog-supplied inputs (TACs, OUIs, serial patterns) that are malformed raise
 * `ScenarioError`.
 */
import { ScenarioError } from "../errors/index.js";
import type { Entropy } from "../ports/entropy.js";

const DIGITS = "0123456789";
const HEX_UPPER = "0123456789ABCDEF";
const HEX_LOWER = "0123456789abcdef";
const LETTERS_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Upper-case letters without I and O (easily confused with 1 and 0 on labels). */
const LETTERS_NO_IO = "ABCDEFGHJKLMNPQRSTUVWXYZ";
/** Digits and upper-case consonants: Apple's randomized serials and Dell service tags carry no vowels. */
const DIGITS_CONSONANTS = "0123456789BCDFGHJKLMNPQRSTVWXYZ";
/** Digits and upper-case letters without I, L and O (the legacy Apple serial alphabet mdmb uses). */
const APPLE_LEGACY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** `n` characters drawn uniformly from `alphabet`. */
export function randomString(entropy: Entropy, alphabet: string, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[entropy.int(alphabet.length)];
  return out;
}

function pick<T>(entropy: Entropy, items: readonly T[]): T {
  return items[entropy.int(items.length)]!;
}

function toHex(bytes: Uint8Array, upper: boolean): string {
  const alphabet = upper ? HEX_UPPER : HEX_LOWER;
  let out = "";
  for (const b of bytes) out += alphabet[b >> 4]! + alphabet[b & 15]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Luhn, IMEI, MEID

/**
 * Luhn check digit of `payload` (the digits *without* the check digit), in base 10 or 16.
 * Base 16 is the 3GPP2 X.S0008 MEID check digit: double every second hex digit from the right,
 * add the base-16 digits of each product, and take (16 − sum mod 16) mod 16.
 */
export function luhnCheckDigit(payload: string, base: 10 | 16 = 10): number {
  const alphabet = base === 10 ? DIGITS : HEX_UPPER;
  const text = payload.toUpperCase();
  if (text.length === 0 || [...text].some((c) => !alphabet.includes(c))) {
    throw new ScenarioError(`Luhn payload must be ${base === 10 ? "decimal" : "hexadecimal"} digits, got "${payload}"`);
  }
  let sum = 0;
  for (let i = text.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = alphabet.indexOf(text[i]!);
    if (double) {
      d *= 2;
      if (d >= base) d = Math.floor(d / base) + (d % base);
    }
    sum += d;
  }
  return (base - (sum % base)) % base;
}

/** True when the last character of `value` is the correct Luhn check digit of the rest. */
export function luhnValid(value: string, base: 10 | 16 = 10): boolean {
  if (value.length < 2) return false;
  const alphabet = base === 10 ? DIGITS : HEX_UPPER;
  const check = alphabet.indexOf(value.slice(-1).toUpperCase());
  try {
    return check >= 0 && luhnCheckDigit(value.slice(0, -1), base) === check;
  } catch {
    return false;
  }
}

/** A 15-digit IMEI: the 8-digit TAC, a 6-digit serial number (SNR) and the Luhn check digit. */
export function imei(entropy: Entropy, tac: string): string {
  if (!/^\d{8}$/.test(tac)) throw new ScenarioError(`a TAC must be 8 decimal digits, got "${tac}"`);
  const body = tac + randomString(entropy, DIGITS, 6);
  return body + String(luhnCheckDigit(body));
}

/** The MEID check digit (one upper-case hex character) of a 14-hex-digit MEID. */
export function meidCheckDigit(meid14: string): string {
  if (!/^[0-9A-Fa-f]{14}$/.test(meid14)) throw new ScenarioError(`an MEID must be 14 hex digits, got "${meid14}"`);
  // Regional codes below A0 are IMEI territory: an all-decimal value is an IMEI body, and its
  // check digit is the decimal Luhn digit (the same rule python-stdnum applies).
  const base = /^\d{14}$/.test(meid14) ? 10 : 16;
  return HEX_UPPER[luhnCheckDigit(meid14, base)]!;
}

export interface MeidOptions {
  /** Regional code + manufacturer code, 8 hex digits (`A1000012`); the regional code must be A0–FF. Random when absent. */
  prefix?: string;
  /** Append the check digit (15 characters). Devices themselves report the 14 digits only. Default true. */
  checkDigit?: boolean;
}

/**
 * An MEID: regional code (A0–FF) + manufacturer code (6 hex) + serial (6 hex), upper case, with the
 * 3GPP2 check digit appended unless `checkDigit: false`.
 */
export function meid(entropy: Entropy, options: MeidOptions = {}): string {
  let prefix = options.prefix?.toUpperCase();
  if (prefix === undefined) {
    prefix = HEX_UPPER[10 + entropy.int(6)]! + randomString(entropy, HEX_UPPER, 7);
  } else if (!/^[A-F][0-9A-F]{7}$/.test(prefix)) {
    throw new ScenarioError(`an MEID prefix must be 8 hex digits starting A0–FF, got "${options.prefix}"`);
  }
  const body = prefix + randomString(entropy, HEX_UPPER, 6);
  return options.checkDigit === false ? body : body + meidCheckDigit(body);
}

/** The 18-digit decimal form of a 14-hex MEID (manufacturer part as 10 digits, serial as 8). */
export function meidToDecimal(meid14: string): string {
  if (!/^[0-9A-Fa-f]{14}$/.test(meid14)) throw new ScenarioError(`an MEID must be 14 hex digits, got "${meid14}"`);
  const high = parseInt(meid14.slice(0, 8), 16);
  const low = parseInt(meid14.slice(8), 16);
  return String(high).padStart(10, "0") + String(low).padStart(8, "0");
}

// ---------------------------------------------------------------------------------------------
// Apple

export type AppleSerialFormat = "random-10" | "legacy-12";

/** Apple factory codes seen in legacy serials (first three characters). */
const APPLE_PLANTS = ["C02", "C07", "C17", "C39", "DMP", "DNP", "F4H", "F5K", "FVF", "G6T"] as const;
/** Legacy year/half-year character (C = 2010 H1, D = 2010 H2, … ten-year cycle). */
const APPLE_YEAR_CODES = "CDFGHJKLMNPQRSTVWXYZ";
/** Legacy week-within-half-year character. */
const APPLE_WEEK_CODES = "123456789CDFGHJKLMNPQRTVWXY";

/**
 * Apple serial number. `random-10`: the randomized format Apple has used since 2021 (iPhone 12
 * purple onward), 10 characters of digits and consonants. `legacy-12`: factory (3) + year (1) +
 * week (1) + unit (3) + configuration code (4).
 */
export function appleSerial(entropy: Entropy, format: AppleSerialFormat = "random-10"): string {
  if (format === "random-10") return randomString(entropy, DIGITS_CONSONANTS, 10);
  return (
    pick(entropy, APPLE_PLANTS) +
    pick(entropy, [...APPLE_YEAR_CODES]) +
    pick(entropy, [...APPLE_WEEK_CODES]) +
    randomString(entropy, APPLE_LEGACY_ALPHABET, 3) +
    randomString(entropy, APPLE_LEGACY_ALPHABET, 4)
  );
}

export type AppleUdidFormat = "ecid" | "uuid" | "legacy-40";

/**
 * Apple UDID. `ecid` (A12-era and later iPhone/iPad): `0000<chip>-<ECID as 16 hex>`, e.g.
 * `00008120-001A2D3C0E38C01E`; `chipId` is the SoC's 4-hex id (A16 = 8120, M2 = 8112).
 * `uuid` (macOS): the hardware UUID, upper-case 8-4-4-4-12. `legacy-40`: 40 lower-case hex
 * (pre-2018 iOS, a SHA-1 of hardware ids).
 */
export function appleUdid(entropy: Entropy, format: AppleUdidFormat, chipId?: string): string {
  switch (format) {
    case "uuid":
      return entropy.uuid(true);
    case "legacy-40":
      return toHex(entropy.bytes(20), false);
    case "ecid": {
      if (chipId === undefined || !/^[0-9A-Fa-f]{4}$/.test(chipId)) {
        throw new ScenarioError(`an ECID-style UDID needs a 4-hex-digit chip id (e.g. "8120"), got "${chipId ?? ""}"`);
      }
      // ECIDs are ~53-bit numbers: rendered as 16 hex they start "000" or "001".
      const ecid = "00" + pick(entropy, ["0", "1"]) + randomString(entropy, HEX_UPPER, 13);
      return `0000${chipId.toUpperCase()}-${ecid}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MAC addresses

/**
 * How a platform prints MAC addresses: Apple (`WiFiMAC`, `BluetoothMAC`) and Android
 * (`wifiMacAddress`) use lower-case colon-separated octets; Windows (MS-MDE2 `MAC` context items,
 * `getmac`) uses upper-case dash-separated octets.
 */
export type MacStyle = "colon-lower" | "colon-upper" | "dash-upper";

/** Formats six octets in `style`. */
export function formatMac(octets: Uint8Array, style: MacStyle): string {
  const hex = toHex(octets, style !== "colon-lower");
  const parts = hex.match(/../g)!;
  return parts.join(style === "dash-upper" ? "-" : ":");
}

/** Parses an OUI written `F0:18:98`, `f0-18-98` or `F01898` into three octets. */
export function parseOui(oui: string): Uint8Array {
  const hex = oui.replace(/[:-]/g, "");
  if (!/^[0-9A-Fa-f]{6}$/.test(hex) || !/^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}\1[0-9A-Fa-f]{2}$/.test(oui)) {
    throw new ScenarioError(`an OUI must be three hex octets like "F0:18:98", got "${oui}"`);
  }
  const octets = new Uint8Array(3);
  for (let i = 0; i < 3; i++) octets[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  if ((octets[0]! & 0x01) !== 0) throw new ScenarioError(`OUI "${oui}" is a multicast prefix, not a vendor OUI`);
  return octets;
}

/** A universally administered MAC address: the vendor's OUI plus three random octets. */
export function macAddress(entropy: Entropy, oui: string, style: MacStyle = "colon-lower"): string {
  const octets = new Uint8Array(6);
  octets.set(parseOui(oui), 0);
  octets.set(entropy.bytes(3), 3);
  return formatMac(octets, style);
}

/**
 * A locally administered unicast MAC (bit 1 of the first octet set, bit 0 clear), the kind
 * Android and iOS use for per-network "private" addresses.
 */
export function localMacAddress(entropy: Entropy, style: MacStyle = "colon-lower"): string {
  const octets = entropy.bytes(6);
  octets[0] = (octets[0]! & 0xfc) | 0x02;
  return formatMac(octets, style);
}

// ---------------------------------------------------------------------------------------------
// Windows

/** MS-MDE2 `DeviceID`: 32 upper-case hex digits, no dashes. */
export function windowsDeviceId(entropy: Entropy): string {
  return toHex(entropy.bytes(16), true);
}

/** DMClient `HWDevID`: 64 upper-case hex digits. */
export function windowsHwDevId(entropy: Entropy): string {
  return toHex(entropy.bytes(32), true);
}

/**
 * The computer name Windows setup generates: `DESKTOP-` + 7 characters, or on laptop chassis
 * `LAPTOP-` + 8 characters (15 characters either way, the NetBIOS limit), from A–Z and 0–9.
 */
export function windowsDeviceName(entropy: Entropy, chassis: "desktop" | "laptop" = "desktop"): string {
  return chassis === "laptop"
    ? `LAPTOP-${randomString(entropy, LETTERS_UPPER + DIGITS, 8)}`
    : `DESKTOP-${randomString(entropy, LETTERS_UPPER + DIGITS, 7)}`;
}

/** Dell service tag (also the SMBIOS serial): 7 characters of digits and consonants, e.g. `8JSKGQ2`. */
export function dellServiceTag(entropy: Entropy): string {
  return randomString(entropy, DIGITS_CONSONANTS, 7);
}

/** HP serial: 10 characters, a 3-character site code (`5CG`, `CND`, …), 4 digits, 3 alphanumerics. */
export function hpSerial(entropy: Entropy): string {
  return pick(entropy, ["5CD", "5CG", "8CG", "CND", "MXL", "2UA"]) + randomString(entropy, DIGITS, 4) +
    randomString(entropy, DIGITS + LETTERS_NO_IO, 3);
}

/** Lenovo ThinkPad/ThinkCentre serial: `PF` or `MJ` + 6 alphanumerics (8 characters). */
export function lenovoSerial(entropy: Entropy): string {
  return pick(entropy, ["PF", "MJ", "PC", "R9"]) + randomString(entropy, DIGITS + LETTERS_NO_IO, 6);
}

/** Microsoft Surface serial: 12 decimal digits. */
export function surfaceSerial(entropy: Entropy): string {
  return randomString(entropy, DIGITS, 12);
}

// ---------------------------------------------------------------------------------------------
// Pattern serials, Android, UUID

const PATTERN_CLASSES: Record<string, string> = {
  d: DIGITS,
  X: HEX_UPPER,
  x: HEX_LOWER,
  A: LETTERS_NO_IO,
  C: DIGITS + LETTERS_NO_IO,
  K: DIGITS_CONSONANTS,
};
const PATTERN_TOKEN = /\{([dXxACK])(\d{1,2})\}/g;

/**
 * Checks a serial pattern; returns a reason when it is invalid, undefined when it is fine.
 * Tokens: `{dN}` digits, `{XN}`/`{xN}` upper/lower hex, `{AN}` letters without I/O, `{CN}` digits
 * and letters without I/O, `{KN}` digits and consonants; any other character is literal.
 */
export function serialPatternProblem(pattern: string): string | undefined {
  const rest = pattern.replace(PATTERN_TOKEN, "");
  if (/[{}]/.test(rest)) return `unknown token in serial pattern "${pattern}" (use {dN}, {XN}, {xN}, {AN}, {CN}, {KN})`;
  const length = patternLength(pattern);
  if (length < 4 || length > 32) return `serial pattern "${pattern}" gives ${length} characters; expected 4 to 32`;
  if (!/\{[dXxACK]\d{1,2}\}/.test(pattern)) return `serial pattern "${pattern}" has no random part`;
  return undefined;
}

function patternLength(pattern: string): number {
  let n = 0;
  const rest = pattern.replace(PATTERN_TOKEN, (_m, _c: string, count: string) => {
    n += Number(count);
    return "";
  });
  return n + rest.length;
}

/** A serial built from a pattern such as `{d5}FDJH00{C3}` (see `serialPatternProblem`). */
export function patternSerial(entropy: Entropy, pattern: string): string {
  const problem = serialPatternProblem(pattern);
  if (problem) throw new ScenarioError(problem);
  return pattern.replace(PATTERN_TOKEN, (_m, cls: string, count: string) =>
    randomString(entropy, PATTERN_CLASSES[cls]!, Number(count)),
  );
}

/** Android serial (`Build.getSerial()`): OEM-specific, so it comes from a pattern; default 12 alphanumerics. */
export function androidSerial(entropy: Entropy, pattern = "{C12}"): string {
  return patternSerial(entropy, pattern);
}

/** `Settings.Secure.ANDROID_ID`: 16 lower-case hex digits. */
export function androidId(entropy: Entropy): string {
  return toHex(entropy.bytes(8), false);
}

/** An RFC 4122 version-4 UUID from the stream (lower case unless `upper`). */
export function uuid(entropy: Entropy, upper = false): string {
  return entropy.uuid(upper);
}
