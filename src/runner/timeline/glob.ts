// SPDX-License-Identifier: MIT
/** Globs of timeline actions: `*` any characters, `?` one; anchored. */
export function globRegExp(glob: string, caseInsensitive = false): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, caseInsensitive ? "i" : "");
}
