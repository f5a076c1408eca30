#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Generates src/_generated/apple/{commands,checkin,machineinfo}.json from Apple's MIT-licensed
 * device-management YAML schemas (default ../shared/apple-device-management). The output is
 * committed; the runtime never reads the YAML. Usage:
 *   node scripts/gen-apple-schemas.mjs [SCHEMA_DIR]
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(process.argv[2] ?? join(here, "../../shared/apple-device-management"));
const out = join(here, "../src/_generated/apple");
mkdirSync(out, { recursive: true });

const OSES = ["iOS", "macOS"];
const typeOf = (t) => (typeof t === "string" ? t.replace(/[<>]/g, "") : "any");

function os(s) {
  const r = {};
  for (const name of OSES) {
    const o = s?.[name];
    if (!o) continue;
    r[name] = {
      introduced: o.introduced ?? null,
      ...(o.deprecated ? { deprecated: o.deprecated } : {}),
      ...(o.removed ? { removed: o.removed } : {}),
      ...(o.accessrights ? { accessrights: o.accessrights } : {}),
      ...(o.supervised !== undefined ? { supervised: o.supervised } : {}),
      ...(o.requiresdep !== undefined ? { requiresdep: o.requiresdep } : {}),
      ...(o.devicechannel !== undefined ? { devicechannel: o.devicechannel } : {}),
      ...(o.userchannel !== undefined ? { userchannel: o.userchannel } : {}),
      ...(o.userenrollment?.mode ? { userenrollment: o.userenrollment.mode } : {}),
      ...(o.sharedipad?.mode ? { sharedipad: o.sharedipad.mode } : {}),
      ...(o.userapprovedmdm === true ? { userapprovedmdm: true } : {}),
    };
  }
  return r;
}

function keys(list, depth = 0) {
  if (!Array.isArray(list)) return [];
  return list.map((k) => {
    const e = { key: k.key, type: typeOf(k.type), presence: k.presence ?? "optional" };
    if (k.supportedOS) e.os = os(k.supportedOS);
    if (Array.isArray(k.rangelist) && k.rangelist.length <= 64) e.rangelist = k.rangelist;
    if (k.subkeys && depth < 6) e.subkeys = keys(k.subkeys, depth + 1);
    return e;
  });
}

const commands = [];
for (const f of readdirSync(join(src, "mdm/commands")).filter((f) => f.endsWith(".yaml")).sort()) {
  const y = YAML.parse(readFileSync(join(src, "mdm/commands", f), "utf8"));
  commands.push({
    file: f,
    title: y.title,
    requestType: y.payload.requesttype,
    os: os(y.payload.supportedOS),
    payloadKeys: keys(y.payloadkeys),
    responseKeys: keys(y.responsekeys),
  });
}
const checkin = [];
for (const f of readdirSync(join(src, "mdm/checkin")).filter((f) => f.endsWith(".yaml")).sort()) {
  const y = YAML.parse(readFileSync(join(src, "mdm/checkin", f), "utf8"));
  checkin.push({ file: f, title: y.title, messageType: y.payload?.requesttype ?? f.replace(".yaml", ""), os: os(y.payload?.supportedOS), keys: keys(y.payloadkeys) });
}
const payloadTypes = [];
for (const f of readdirSync(join(src, "mdm/profiles")).filter((f) => f.endsWith(".yaml")).sort()) {
  const y = YAML.parse(readFileSync(join(src, "mdm/profiles", f), "utf8"));
  const t = y.payload?.payloadtype;
  if (typeof t === "string" && !payloadTypes.some((p) => p.type === t)) payloadTypes.push({ type: t, os: os(y.payload.supportedOS) });
}
// The keys a device checks on every profile it installs (profile-schema.ts): the profile's top level,
// the keys every payload has, and the MDM payload's, each with its type, presence, allowed values,
// format and per-key platform rules.
function profileKeys(list) {
  return keys(list).map((k, i) => (list[i].format ? { ...k, format: list[i].format } : k));
}
// A payload type's own keys, two levels deep: what the check reads (type, presence, allowed values, format,
// per-key platform rules, an array's item type, a dictionary's keys such as the SCEP payload's PayloadContent);
// deeper keys are not checked.
function shallow(k, depth = 0) {
  const { subkeys, ...rest } = k;
  if (!subkeys?.length) return rest;
  if (rest.type === "array" && subkeys.length === 1) return { ...rest, subkeys: [(({ subkeys: _, ...item }) => item)(subkeys[0])] };
  if (rest.type === "dictionary" && depth === 0) return { ...rest, subkeys: subkeys.map((s) => shallow(s, 1)) };
  return rest;
}
const CORE_PROFILE_FILES = new Set(["TopLevel.yaml", "CommonPayloadKeys.yaml", "com.apple.mdm.yaml"]);
// Every payload type's own keys too (mdm/profiles/*.yaml): the installer's payload handlers refuse a payload
// whose required key is missing or of the wrong type (device/apple/profile-schema.ts). The first file of a
// payload type wins (a few types have more than one schema file, e.g. per-platform variants).
const profileKeySets = {};
const profileFiles = ["TopLevel.yaml", "CommonPayloadKeys.yaml", ...readdirSync(join(src, "mdm/profiles")).filter((f) => f.endsWith(".yaml")).sort()];
for (const f of profileFiles) {
  const y = YAML.parse(readFileSync(join(src, "mdm/profiles", f), "utf8"));
  const t = y.payload?.payloadtype;
  if (typeof t !== "string" || profileKeySets[t]) continue;
  const ks = profileKeys(y.payloadkeys ?? []);
  profileKeySets[t] = { os: os(y.payload.supportedOS), keys: CORE_PROFILE_FILES.has(f) ? ks : ks.map(shallow) };
}
// Declarative management status items (declarative/status/*.yaml): item name, value type and sub-keys, OS and enrollment rules.
const statusItems = [];
for (const f of readdirSync(join(src, "declarative/status")).filter((f) => f.endsWith(".yaml")).sort()) {
  const y = YAML.parse(readFileSync(join(src, "declarative/status", f), "utf8"));
  const item = y.payload?.statusitemtype;
  if (typeof item !== "string" || item.startsWith("test.")) continue;
  const so = {};
  for (const name of OSES) {
    const o = y.payload.supportedOS?.[name];
    if (!o) continue;
    so[name] = { introduced: o.introduced ?? null, ...(Array.isArray(o["allowed-enrollments"]) ? { enrollments: o["allowed-enrollments"] } : {}) };
  }
  const top = (y.payloadkeys ?? []).find((k) => k.key === item) ?? (y.payloadkeys ?? [])[0];
  statusItems.push({ file: f, item, type: typeOf(top?.type), os: so, ...(top?.subkeys ? { subkeys: keys(top.subkeys) } : {}) });
}
// MDM error responses (mdm/errors/*.yaml): the `code` a server puts in a 403 body, when each OS
// introduced it, and what the schema says it means (the `message` key is the user-visible text).
const mdmErrors = [];
for (const f of readdirSync(join(src, "mdm/errors")).filter((f) => f.endsWith(".yaml")).sort()) {
  const y = YAML.parse(readFileSync(join(src, "mdm/errors", f), "utf8"));
  const codeKey = (y.payloadkeys ?? []).find((k) => k.key === "code");
  for (const code of codeKey?.rangelist ?? []) mdmErrors.push({ file: f, code, title: y.title, os: os(y.payload?.supportedOS), meaning: String(codeKey.content ?? "").replace(/\s+/g, " ").trim() });
}
const mi = YAML.parse(readFileSync(join(src, "other/machineinfo.yaml"), "utf8"));
const readme = readFileSync(join(src, "README.md"), "utf8");
const version = Object.fromEntries([...readme.matchAll(/^\|\s*(iOS|macOS|tvOS|visionOS|watchOS)\s*\|\s*([\d.]+)\s*\|/gm)].map((m) => [m[1], m[2]]));
const header = {
  source: "apple/device-management (https://github.com/apple/device-management), MIT licence, see LICENSE.txt",
  release: version,
  generator: "scripts/gen-apple-schemas.mjs",
};
const write = (name, data) => writeFileSync(join(out, name), JSON.stringify({ _generated: header, ...data }, null, 1) + "\n");
write("commands.json", { commands });
write("checkin.json", { messages: checkin });
write("payloadtypes.json", { payloadTypes });
write("profilekeys.json", { profiles: profileKeySets });
write("machineinfo.json", { keys: keys(mi.payloadkeys) });
write("status.json", { statusItems });
write("errors.json", { mdmErrors });
rmSync(join(out, "LICENSE.txt"), { force: true });
writeFileSync(join(out, "LICENSE.txt"), readFileSync(join(src, "LICENSE.txt")), { mode: 0o644 });
writeFileSync(
  join(out, "README.md"),
  `# Generated Apple schema data\n\nGenerated by \`node scripts/gen-apple-schemas.mjs\` from Apple's device-management YAML schemas\n(release: ${Object.entries(version).map(([k, v]) => `${k} ${v}`).join(", ")}), MIT licence: see LICENSE.txt.\nDo not edit by hand; re-run the generator.\n`,
);
// The runtime imports these JSON files as modules (src/wire/apple/generated-data.ts): one source of truth.
console.log(`wrote ${commands.length} commands, ${checkin.length} check-in messages, ${statusItems.length} status items to ${out}`);
