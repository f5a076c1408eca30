// SPDX-License-Identifier: MIT
import { randomUUID } from "node:crypto";
import { isDict, type PlistDict } from "../../wire/apple/plist.js";
import { payloadHeader } from "../../wire/apple/profile.js";
import { editProfile, type ProfileEditsOf } from "../../wire/apple/profile-edits.js";
import { jsonToPlist } from "./core.js";

/**
 * The enrollment profile as a misconfigured or buggy server builds it (`embedded.apple.profile`),
 * at every level (wire/apple/profile-edits.ts has the PATH syntax): `Configuration/…` is the
 * profile's top level (PayloadScope, PayloadRemovalDisallowed, ConsentText, TargetDeviceType, …),
 * `<PayloadType>/…` every payload of that type; `remove` drops a key or whole payloads, `set` gives
 * a key any value (a list such as ServerCapabilities, a mapping such as ConsentText, `{$date: ISO}`,
 * `{$data: base64}`), `add` puts more payloads in. The server signs what it built, so the device
 * judges the content, as it would a real server's mistake (field failures
 * apple-profile-missing-identity-uuid, apple-profile-bad-topic, apple-checkin-url-untrusted,
 * mac-mdm-no-user-channel-capability, mac-payloadscope-system). An edit that reaches nothing is
 * refused when the scenario loads (runner/scenario/platforms/apple-profile-semantic.ts).
 */
export type ProfileEdits = ProfileEditsOf<unknown>;

/** Applies the edits to the profile dictionary the server built, before it signs it; the dictionary is untouched. */
export function applyProfileEdits(profile: PlistDict, e: ProfileEdits): PlistDict {
  const set = Object.fromEntries(Object.entries(e.set ?? {}).map(([k, v]) => [k, jsonToPlist(v)]));
  const header = (p: PlistDict, i: number) => payloadHeader(String(p.PayloadType), `com.enrollsim.ref.added.${i + 1}`, randomUUID().toUpperCase(), String(p.PayloadType));
  const add = (e.add ?? []).map((p) => jsonToPlist(p)).filter(isDict);
  return editProfile(profile, { ...(e.remove ? { remove: e.remove } : {}), set, add }, header).profile;
}
