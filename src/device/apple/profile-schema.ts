// SPDX-License-Identifier: MIT
/**
 * What a device checks on every profile it is asked to install, read from Apple's schemas
 * (shared/apple-device-management mdm/profiles/*.yaml: TopLevel.yaml, CommonPayloadKeys.yaml and every
 * payload type's own file, generated into src/_generated/apple/profilekeys.json by
 * scripts/gen-apple-schemas.mjs): for the profile's top level, each payload's common keys and the keys of
 * its payload type (MDM, SCEP, ACME, certificates, Wi-Fi, VPN, restrictions, … one level of a dictionary
 * value deep), in one table-driven pass:
 *
 * - a payload's refusal is its payload handler's, wrapped by the installer (wire/apple/payload-errors.ts:
 *   MCPayloadErrorDomain 2000 under MCProfileErrorDomain 1000 under the installer's 4000 or 4001); a
 *   required string that is empty reads as missing there; the top level's refusal is the profile's own;
 *
 * - a key this platform or release does not have (the key's `supportedOS`: `introduced`,
 *   `removed`, `supervised`, user-enrollment and Shared iPad modes) is ignored, as devices ignore
 *   keys they do not know: the transcript notes it (`PayloadScope` on an iPhone, `ManagedAppleID`
 *   on iOS 18);
 * - a required key that is missing: "The required field … is missing." (published text,
 *   field-failures apple-profile-missing-identity-uuid);
 * - a value of the wrong type, outside `rangelist` (PayloadVersion 1, PayloadScope System|User,
 *   EnrollmentMode, ServerCapabilities items, TargetDeviceType 0–6) or not matching `format`
 *   (ServerURL, CheckInURL; not a UUID reference, see valueProblem): refused; no text is published for these, so
 *   the device's result carries the raw condition as unknown (AppleErrors.badField);
 * - the rules the schema states in words: AccessRights "Don't set to '0'"; TargetDeviceType names
 *   the kind of device the profile is for ("helps prevent unintended installations").
 *
 * How a key's `supportedOS` is read: Apple's schema format says a key inherits its payload's
 * `supportedOS` and overrides values. A key whose own `supportedOS` names an `introduced` release
 * for some platforms but lists this one not at all (PayloadScope: macOS 10.8 only) is read as not
 * on this platform, as Apple's rendered reference shows it.
 */
import { PROFILE_KEYS } from "../../wire/apple/generated-data.js";
import { AppleErrors, type AppleError } from "../../wire/apple/errors.js";
import { payloadFieldInvalid, payloadFieldMissing, profileName, type ValueProblem } from "../../wire/apple/payload-errors.js";
import type { ParsedProfile } from "../../wire/apple/profile.js";
import { isDict, typeName, type PlistDict, type PlistValue } from "../../wire/apple/plist.js";
import type { OsRule, ProfileKeySchema } from "../../wire/apple/schema-types.js";
import { osBlock, type OsName } from "./commands.js";

export interface ProfileCheckDevice {
  os: OsName;
  version: string;
  supervised: boolean;
  ade: boolean;
  userEnrollment: boolean;
  sharedIPad?: boolean;
  /** "iPhone", "iPad", "Mac": for TargetDeviceType. */
  kind: string;
}

/** A key the device ignored, and why. */
export interface IgnoredKey {
  key: string;
  where: string;
  why: string;
}

export interface ProfileCheck {
  refusal?: AppleError;
  ignored: IgnoredKey[];
}

/** TargetDeviceType values (TopLevel.yaml): 0 any, 1 iPhone/iPad/iPod touch, 5 Mac. */
const TARGET_OK: Record<OsName, number[]> = { iOS: [0, 1], macOS: [0, 5] };

const TYPE_OK: Record<string, (v: PlistValue) => boolean> = {
  string: (v) => typeof v === "string",
  integer: (v) => typeof v === "number" && Number.isInteger(v),
  real: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  data: (v) => v instanceof Uint8Array,
  date: (v) => v instanceof Date,
  array: (v) => Array.isArray(v),
  dictionary: (v) => isDict(v),
  any: () => true,
};

type OsRules = Partial<Record<OsName, OsRule>>;

/**
 * The key's rule on this platform: the payload's, overridden by the key's own (see the header for keys that name
 * other platforms only). A key whose own `introduced` for another platform only repeats its payload's (the SCEP
 * payload's URL: macOS 10.7, as the payload) restates, and does not restrict, where it applies.
 */
function keyRule(payloadOs: OsRules, k: ProfileKeySchema, os: OsName): OsRule | undefined {
  const payload = payloadOs[os];
  const own = k.os;
  if (!own) return payload;
  const names = Object.keys(own) as OsName[];
  const restricts = names.some((n) => own[n]?.introduced && own[n]!.introduced !== "n/a" && own[n]!.introduced !== payloadOs[n]?.introduced);
  if (!own[os]) return restricts ? undefined : payload;
  return { ...payload, ...own[os], introduced: own[os]!.introduced ?? payload?.introduced ?? null };
}

/** Why `v` is not a value of `k` (2003 the wrong type, 2004 a value the key does not allow), or undefined. */
function valueProblem(k: ProfileKeySchema, v: PlistValue): ValueProblem | undefined {
  const ok = TYPE_OK[k.type] ?? TYPE_OK.any!;
  if (!ok(v)) return { code: 2003, why: `expected ${k.type}, got ${typeName(v)}` };
  if (k.rangelist && !Array.isArray(v) && !k.rangelist.includes(v as never)) return { code: 2004, why: `${JSON.stringify(v)} is not one of ${k.rangelist.map((x) => JSON.stringify(x)).join(", ")}` };
  // A UUID reference names a PayloadUUID, whose "actual content is unimportant" (CommonPayloadKeys.yaml):
  // the UUID pattern of IdentityCertificateUUID is not held against it.
  if (k.format && typeof v === "string" && !k.key.endsWith("UUID") && !new RegExp(k.format).test(v)) return { code: 2004, why: `"${v.slice(0, 80)}" does not match ${k.format}` };
  const item = k.subkeys?.length === 1 ? k.subkeys[0] : undefined;
  if (Array.isArray(v) && item && item.type !== "any") {
    for (const [i, x] of v.entries()) {
      const p = valueProblem(item, x);
      if (p) return { code: p.code, why: `item ${i}: ${p.why}` };
    }
  }
  return undefined;
}

/** How a check refuses: the profile's own error (top level) or the payload handler's (payload-errors.ts). */
interface Refuse {
  missing(key: string): AppleError;
  invalid(key: string, p: ValueProblem): AppleError;
  /** A required string that is empty reads as missing (payloads, micromdm#496). */
  emptyIsMissing: boolean;
}

const PROFILE_REFUSE: Refuse = { missing: (k) => AppleErrors.missingField(k), invalid: (k, p) => AppleErrors.badField(k, p.why), emptyIsMissing: false };
const payloadRefuse = (type: string, name: string): Refuse => ({ missing: (k) => payloadFieldMissing(k, type, name), invalid: (k, p) => payloadFieldInvalid(k, p, type, name), emptyIsMissing: true });

/** Apple's placeholder for keys of any name ("ANY"): not a key a dictionary must have. */
const isPlaceholder = (k: ProfileKeySchema): boolean => k.key === "ANY";

/** Checks one dictionary against a key table (and a dictionary value's own keys, as far as the table goes); the first refusal ends the check. */
function checkDict(d: PlistDict, keys: ProfileKeySchema[], payloadOs: OsRules, where: string, dev: ProfileCheckDevice, out: ProfileCheck, optional: ReadonlySet<string>, refuse: Refuse): AppleError | undefined {
  for (const k of keys) {
    if (isPlaceholder(k)) continue;
    const v = d[k.key];
    const rule = keyRule(payloadOs, k, dev.os);
    const block = osBlock(rule, { os: dev.os, version: dev.version, supervised: dev.supervised, ade: dev.ade, userEnrollment: dev.userEnrollment, sharedIPad: dev.sharedIPad });
    if (block) {
      if (v !== undefined) out.ignored.push({ key: k.key, where, why: block });
      continue;
    }
    if (v === undefined || (refuse.emptyIsMissing && v === "" && k.presence === "required")) {
      if (k.presence === "required" && !optional.has(k.key)) return refuse.missing(k.key);
      continue;
    }
    const p = valueProblem(k, v);
    if (p) return refuse.invalid(k.key, p);
    if (k.type === "dictionary" && isDict(v) && k.subkeys?.length && refuse.emptyIsMissing) {
      const inner = checkDict(v, k.subkeys, rule ? { ...payloadOs, [dev.os]: rule } : payloadOs, `${where} ${k.key}`, dev, out, new Set(), refuse);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The schemas' rules stated in words, for the keys they name. */
function wordRules(top: PlistDict, mdm: PlistDict | undefined, dev: ProfileCheckDevice): AppleError | undefined {
  const target = top.TargetDeviceType;
  if (typeof target === "number" && !TARGET_OK[dev.os].includes(target)) return AppleErrors.wrongTargetDevice(target, dev.kind);
  if (mdm?.AccessRights === 0) return AppleErrors.badField("AccessRights", "0 grants nothing (the schema: \"Don't set to '0'\")");
  return undefined;
}

/** Checks a parsed profile as the device does before installing anything of it. */
export function checkProfile(parsed: ParsedProfile, dev: ProfileCheckDevice): ProfileCheck {
  const out: ProfileCheck = { ignored: [] };
  const top = parsed.profile.raw;
  const t = PROFILE_KEYS.TopLevel!;
  // PayloadContent is not needed when the payloads come encrypted (TopLevel.yaml).
  const encrypted = top.EncryptedPayloadContent !== undefined ? new Set(["PayloadContent"]) : new Set<string>();
  out.refusal = checkDict(top, t.keys, t.os, "profile", dev, out, encrypted, PROFILE_REFUSE);
  if (out.refusal) return out;
  const common = PROFILE_KEYS.CommonPayloadKeys!;
  const name = profileName(top);
  let mdm: PlistDict | undefined;
  for (const p of parsed.profile.payloads) {
    const refuse = payloadRefuse(p.type, name);
    out.refusal = checkDict(p.raw, common.keys, common.os, p.type, dev, out, new Set(), refuse);
    // The payload type's own keys (Apple's schema for it; a type without a schema file has only the common keys).
    const own = PROFILE_KEYS[p.type];
    if (!out.refusal && own) out.refusal = checkDict(p.raw, own.keys, own.os, p.type, dev, out, new Set(), refuse);
    if (p.kind === "mdm") mdm = p.raw;
    if (out.refusal) return out;
  }
  out.refusal = wordRules(top, mdm, dev);
  return out;
}
