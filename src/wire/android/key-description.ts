// SPDX-License-Identifier: MIT
/**
 * Android key attestation's KeyDescription (the extension OID 1.3.6.1.4.1.11129.2.1.17 of an attested key's leaf
 * certificate), the subset that carries the device's boot integrity: AOSP "Verifying hardware-backed key pairs with key
 * attestation", schema (source.android.com/docs/security/features/keystore/attestation#schema):
 *
 *   KeyDescription ::= SEQUENCE { attestationVersion INTEGER, attestationSecurityLevel SecurityLevel,
 *     keyMintVersion INTEGER, keyMintSecurityLevel SecurityLevel, attestationChallenge OCTET STRING,
 *     uniqueId OCTET STRING, softwareEnforced AuthorizationList, hardwareEnforced AuthorizationList }
 *   SecurityLevel ::= ENUMERATED { Software (0), TrustedEnvironment (1), StrongBox (2) }
 *   AuthorizationList ::= SEQUENCE { … rootOfTrust [704] EXPLICIT RootOfTrust OPTIONAL,
 *     osVersion [705] EXPLICIT INTEGER OPTIONAL, osPatchLevel [706] EXPLICIT INTEGER OPTIONAL, … }
 *   RootOfTrust ::= SEQUENCE { verifiedBootKey OCTET STRING, deviceLocked BOOLEAN,
 *     verifiedBootState VerifiedBootState, verifiedBootHash OCTET STRING }
 *   VerifiedBootState ::= ENUMERATED { Verified (0), SelfSigned (1), Unverified (2), Failed (3) }
 *
 * The bytes are real DER; they are NOT inside a certificate chain to Google's attestation root (the simulator has no
 * such key), so a reader of them learns what the device claims, not what Google vouches for. node-forge's ASN.1 codec
 * cannot write or read tag numbers above 30 ([704]), so this file encodes and reads its TLVs itself, bounded.
 */
import { ProtocolViolationError } from "../../errors/index.js";

export const KEY_DESCRIPTION_OID = "1.3.6.1.4.1.11129.2.1.17";
export type VerifiedBootState = "Verified" | "SelfSigned" | "Unverified" | "Failed";
const BOOT_STATES: readonly VerifiedBootState[] = ["Verified", "SelfSigned", "Unverified", "Failed"];
export type SecurityLevel = "Software" | "TrustedEnvironment" | "StrongBox";
const LEVELS: readonly SecurityLevel[] = ["Software", "TrustedEnvironment", "StrongBox"];

export interface RootOfTrust {
  verifiedBootKey: Uint8Array;
  deviceLocked: boolean;
  verifiedBootState: VerifiedBootState;
  verifiedBootHash: Uint8Array;
}

export interface KeyDescription {
  /** 100 = KeyMint 1.0, 200 = KeyMint 2.0, 300 = KeyMint 3.0 (AOSP schema). */
  attestationVersion: number;
  attestationSecurityLevel: SecurityLevel;
  keyMintVersion: number;
  keyMintSecurityLevel: SecurityLevel;
  attestationChallenge: Uint8Array;
  rootOfTrust?: RootOfTrust;
  /** e.g. 140000 for Android 14.0.0 */
  osVersion?: number;
  /** YYYYMM, e.g. 202401 */
  osPatchLevel?: number;
}

// ---- DER writing ----

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** Identifier octets: low tag numbers in one byte, high ones (≥ 31) in base-128 after 0x1F (X.690 §8.1.2.4). */
function ident(cls: number, constructed: boolean, tag: number): number[] {
  const first = cls | (constructed ? 0x20 : 0);
  if (tag < 31) return [first | tag];
  const digits: number[] = [];
  for (let v = tag; v > 0; v = Math.floor(v / 128)) digits.unshift(v & 0x7f);
  return [first | 0x1f, ...digits.map((d, i) => (i < digits.length - 1 ? d | 0x80 : d))];
}

const tlv = (id: number[], content: number[]): number[] => [...id, ...len(content.length), ...content];
const seq = (...items: number[][]): number[] => tlv([0x30], items.flat());
const octets = (b: Uint8Array): number[] => tlv([0x04], [...b]);
const bool = (v: boolean): number[] => tlv([0x01], [v ? 0xff : 0x00]);
function int(n: number, tag = 0x02): number[] {
  const out: number[] = [];
  let v = n;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (out[0]! & 0x80) out.unshift(0);
  return tlv([tag], out);
}
const enumerated = (n: number): number[] => int(n, 0x0a);
const explicit = (tag: number, inner: number[]): number[] => tlv(ident(0x80, true, tag), inner);

export function encodeKeyDescription(k: KeyDescription): Uint8Array {
  const hw: number[][] = [];
  if (k.rootOfTrust) {
    const r = k.rootOfTrust;
    hw.push(explicit(704, seq(octets(r.verifiedBootKey), bool(r.deviceLocked), enumerated(BOOT_STATES.indexOf(r.verifiedBootState)), octets(r.verifiedBootHash))));
  }
  if (k.osVersion !== undefined) hw.push(explicit(705, int(k.osVersion)));
  if (k.osPatchLevel !== undefined) hw.push(explicit(706, int(k.osPatchLevel)));
  return new Uint8Array(
    seq(int(k.attestationVersion), enumerated(LEVELS.indexOf(k.attestationSecurityLevel)), int(k.keyMintVersion), enumerated(LEVELS.indexOf(k.keyMintSecurityLevel)), octets(k.attestationChallenge), octets(new Uint8Array(0)), seq(), seq(...hw)),
  );
}

// ---- DER reading (bounded, strict enough for this structure) ----

interface Tlv {
  cls: number;
  constructed: boolean;
  tag: number;
  content: Uint8Array;
}

const bad = (detail: string) => new ProtocolViolationError("android.attestation.malformed", `KeyDescription: ${detail}`);

function readAll(b: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < b.length) {
    if (out.length > 256) throw bad("too many elements");
    const first = b[i++]!;
    let tag = first & 0x1f;
    if (tag === 0x1f) {
      tag = 0;
      for (let n = 0; ; n++) {
        if (n > 3 || i >= b.length) throw bad("tag number too long or truncated");
        const d = b[i++]!;
        tag = tag * 128 + (d & 0x7f);
        if (!(d & 0x80)) break;
      }
    }
    if (i >= b.length) throw bad("truncated length");
    let length = b[i++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0 || n > 3 || i + n > b.length) throw bad("bad length");
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + b[i++]!;
    }
    if (i + length > b.length) throw bad("element runs past the end");
    out.push({ cls: first & 0xc0, constructed: (first & 0x20) !== 0, tag, content: b.subarray(i, i + length) });
    i += length;
  }
  return out;
}

function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.cls !== 0 || t.tag !== tag) throw bad(`${what} missing or of the wrong type`);
  return t;
}
function readInt(t: Tlv | undefined, what: string, tag = 0x02): number {
  const c = expect(t, tag, what).content;
  if (c.length === 0 || c.length > 6) throw bad(`${what} is not a small integer`);
  return c.reduce((v, x) => v * 256 + x, 0);
}

/** Reads KeyDescription DER (at most 16 KiB); malformed input is a ProtocolViolationError. */
export function readKeyDescription(der: Uint8Array): KeyDescription {
  if (der.length === 0 || der.length > 16 * 1024) throw bad(`${der.length} bytes`);
  const top = readAll(der);
  if (top.length !== 1) throw bad("not one SEQUENCE");
  const f = readAll(expect(top[0], 0x10, "KeyDescription").content);
  const level = (t: Tlv | undefined, what: string): SecurityLevel =>
    LEVELS[readInt(t, what, 0x0a)] ??
    (() => {
      throw bad(`${what} out of range`);
    })();
  const k: KeyDescription = {
    attestationVersion: readInt(f[0], "attestationVersion"),
    attestationSecurityLevel: level(f[1], "attestationSecurityLevel"),
    keyMintVersion: readInt(f[2], "keyMintVersion"),
    keyMintSecurityLevel: level(f[3], "keyMintSecurityLevel"),
    attestationChallenge: expect(f[4], 0x04, "attestationChallenge").content,
  };
  const hw = readAll(expect(f[7], 0x10, "hardwareEnforced").content);
  for (const e of hw) {
    if (e.cls !== 0x80) continue;
    const inner = readAll(e.content);
    if (e.tag === 704) {
      const r = readAll(expect(inner[0], 0x10, "RootOfTrust").content);
      const locked = expect(r[1], 0x01, "deviceLocked").content;
      const state = BOOT_STATES[readInt(r[2], "verifiedBootState", 0x0a)];
      if (locked.length !== 1 || !state) throw bad("RootOfTrust values out of range");
      k.rootOfTrust = { verifiedBootKey: expect(r[0], 0x04, "verifiedBootKey").content, deviceLocked: locked[0] !== 0, verifiedBootState: state, verifiedBootHash: r[3] ? expect(r[3], 0x04, "verifiedBootHash").content : new Uint8Array(0) };
    } else if (e.tag === 705) k.osVersion = readInt(inner[0], "osVersion");
    else if (e.tag === 706) k.osPatchLevel = readInt(inner[0], "osPatchLevel");
  }
  return k;
}
