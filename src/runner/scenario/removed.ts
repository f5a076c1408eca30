// SPDX-License-Identifier: MIT
/**
 * Scenario keys that were removed because they produced one outcome for one scenario (issue 10: "a
 * knob that exists for one scenario only is a defect"). A file that still uses one gets an error at
 * the key saying what replaced it, instead of a bare "unknown property". Checked before the schema.
 * Add a row when a knob is removed; the replacement must be expressible with general mechanisms
 * (device `state:`, `embedded.policy`, `faults:`, `timeline:`).
 */
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import { ANDROID_REMOVED_KEYS } from "./platforms/android.js";
import { APPLE_REMOVED_KEYS } from "./platforms/apple.js";
import { WINDOWS_REMOVED_KEYS } from "./platforms/windows.js";

export interface RemovedKey {
  /** Path from the scenario root; "*" matches any list index or mapping key. */
  path: readonly string[];
  /** What to write instead (shown after "replaced by"). */
  replacedBy: string;
}

export const REMOVED_KEYS: readonly RemovedKey[] = [...ANDROID_REMOVED_KEYS, ...WINDOWS_REMOVED_KEYS, ...APPLE_REMOVED_KEYS];

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null;

/** Every use of a removed key in `data`, as issues at the key. */
export function removedKeyIssues(data: unknown, table: readonly RemovedKey[] = REMOVED_KEYS): Issue[] {
  const out: Issue[] = [];
  for (const r of table) {
    const walk = (v: unknown, i: number, at: (string | number)[]): void => {
      if (!isObj(v)) return;
      const seg = r.path[i]!;
      const last = i === r.path.length - 1;
      const keys: (string | number)[] = seg === "*" ? (Array.isArray(v) ? v.map((_, k) => k) : Object.keys(v)) : Array.isArray(v) ? [] : [seg];
      for (const k of keys) {
        if (!(k in v)) continue;
        const here = [...at, k];
        if (last) {
          out.push({ path: here, anchor: "key", message: `${formatPath(here)} was removed; it is replaced by ${r.replacedBy}`, expected: r.replacedBy, rank: 0 });
        } else walk((v as Raw)[k as string], i + 1, here);
      }
    };
    walk(data, 0, []);
  }
  return out;
}
