// SPDX-License-Identifier: MIT
/** The pattern language of fault selectors (`step`, `url`, `body`, `header`, `field.matches`). */

/**
 * A glob (`*` any run of characters, `?` one character) or a `/regex/flags` as a RegExp. The `g`
 * and `y` flags are dropped: they make `test` remember where it stopped, so one request's match
 * would depend on the request before it.
 */
export function compilePattern(text: string): RegExp {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (re) return new RegExp(re[1]!, re[2]!.replace(/[gy]/g, ""));
  const body = text
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

/** Why a pattern does not compile, or undefined (for the loader's messages). */
export function patternProblem(text: string): string | undefined {
  try {
    compilePattern(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
