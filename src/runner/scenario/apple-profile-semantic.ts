// SPDX-License-Identifier: MIT
/**
 * Load-time check of `embedded.apple.profile` edits against the enrollment profile the reference
 * server builds (wire/apple/profile-edits.ts REFERENCE_PROFILE_KEYS): a `remove` of a key or
 * payload that is not there, or a `set` whose parent is not there, is an error at the entry with
 * what exists there and a did-you-mean (an edit that silently changes nothing cannot be what was
 * meant). A `set` of a key that Apple's schema for that level does not have (TopLevel, common
 * payload keys, com.apple.mdm) is legal, as a server may send anything, but is a warning: the
 * device ignores keys it does not know.
 */
import { PROFILE_KEYS } from "../../wire/apple/generated-data.js";
import type { PlistDict, PlistValue } from "../../wire/apple/plist.js";
import { REFERENCE_PROFILE_KEYS, TOP_LEVEL, editProfile, parseProfilePath, type EditMiss } from "../../wire/apple/profile-edits.js";
import type { Issue } from "./messages.js";
import { didYouMean, listNames } from "./suggest.js";
import type { Scenario } from "./types.js";

interface Edits {
  remove?: string[];
  set?: Record<string, unknown>;
  add?: PlistDict[];
}

/** Every set of profile edits with its scenario path: `embedded.apple.profile` and each `embedded.apple.portal.profileByBrowser.<platform>`. */
function editSets(s: Scenario): { at: (string | number)[]; e: Edits }[] {
  const apple = s.embedded?.apple as { profile?: Edits; portal?: { profileByBrowser?: Record<string, Edits> } } | undefined;
  const out: { at: (string | number)[]; e: Edits }[] = apple?.profile ? [{ at: ["embedded", "apple", "profile"], e: apple.profile }] : [];
  for (const [k, e] of Object.entries(apple?.portal?.profileByBrowser ?? {})) out.push({ at: ["embedded", "apple", "portal", "profileByBrowser", k], e });
  return out;
}

function message(m: EditMiss): string {
  const { type, steps } = parseProfilePath(m.path);
  if (m.step < 0) {
    if (type === TOP_LEVEL) return `${m.edit} ${m.path}: the profile itself cannot be ${m.edit === "remove" ? "removed" : "set"}; name a key of it (Configuration/PayloadScope)`;
    return `${m.edit} ${m.path}: the profile the server builds has no ${type} payload${didYouMean(type, m.known)}; it has ${listNames(m.known)}`;
  }
  const where = [type, ...steps.slice(0, m.step)].join("/");
  const step = String(steps[m.step]);
  const what = m.edit === "set" && m.step < steps.length - 1 ? "so nothing can be set below it" : "so there is nothing to remove";
  return `${m.edit} ${m.path}: ${where} has no "${step}"${didYouMean(step, m.known)}, ${what}; it has ${m.known.length ? listNames(m.known) : "nothing"}`;
}

/** Edits that reach nothing in the profile the server builds. */
export function appleProfileIssues(s: Scenario): Issue[] {
  return editSets(s).flatMap(({ at, e }) => {
    const { misses } = editProfile(REFERENCE_PROFILE_KEYS, { ...(e.remove ? { remove: e.remove } : {}), set: (e.set ?? {}) as Record<string, PlistValue>, add: e.add ?? [] }, (p) => p);
    const seen = new Set<string>();
    return misses
      .filter((m) => !seen.has(`${m.edit} ${m.path}`) && seen.add(`${m.edit} ${m.path}`))
      .map((m) => ({
        path: m.edit === "remove" ? [...at, "remove", (e.remove ?? []).indexOf(m.path)] : [...at, "set", m.path],
        anchor: m.edit === "remove" ? ("value" as const) : ("key" as const),
        message: message(m),
        expected: "a PATH to something in the profile the server builds (Configuration/… for its top level, a payload type for its payloads)",
        rank: 1,
      }));
  });
}

/** `set` of a key Apple's schema for that level does not have: the device will ignore it. */
export function appleProfileWarnings(s: Scenario): Issue[] {
  const out: Issue[] = [];
  for (const { at, e } of editSets(s))
    for (const path of Object.keys(e.set ?? {})) {
      const { type, steps } = parseProfilePath(path);
      if (steps.length !== 1 || typeof steps[0] !== "string") continue;
      const schema = type === TOP_LEVEL ? "TopLevel" : type;
      const table = PROFILE_KEYS[schema];
      if (!table) continue;
      const known = [...table.keys, ...(schema === "TopLevel" ? [] : (PROFILE_KEYS.CommonPayloadKeys?.keys ?? []))].map((k) => k.key);
      if (known.includes(steps[0])) continue;
      out.push({ path: [...at, "set", path], anchor: "key", message: `set ${path}: Apple's ${schema} schema has no key "${steps[0]}"${didYouMean(steps[0], known)}; the device ignores keys it does not know`, rank: 1 });
    }
  return out;
}

/** `options.apple.installVia` names how a Mac's enrollment profile is installed: only the macos-profile flow has a choice. */
export function installViaIssues(s: Scenario): Issue[] {
  return s.groups.flatMap((g, i) => {
    const via = (g.options?.apple as { installVia?: string } | undefined)?.installVia;
    if (via === undefined || g.flow === "macos-profile") return [];
    return [
      {
        path: ["groups", i, "options", "apple", "installVia"],
        anchor: "value" as const,
        message: `groups[${i}].options.apple.installVia: ${via === "profiles-cli" ? "profiles-cli is the Mac's profiles command" : "the install channel is a Mac's choice"}; flow ${g.flow} has no choice of how its profile is installed (only macos-profile)`,
        expected: "installVia only on a macos-profile group",
        rank: 1,
      },
    ];
  });
}
