// SPDX-License-Identifier: MIT
/** Text patterns of `expect.shown`: a substring (case-sensitive) or a `/regex/flags`. */

/** A problem with a text pattern as written, or undefined. */
export function textPatternProblem(pattern: string): string | undefined {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (!re) return pattern === "" ? "expected a non-empty text or /regex/" : undefined;
  try {
    new RegExp(re[1]!, re[2]);
    return undefined;
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message}`;
  }
}

/** The pattern as a predicate on one text. */
export function textMatcher(pattern: string): (text: string) => boolean {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (!re) return (t) => t.includes(pattern);
  const rx = new RegExp(re[1]!, re[2]!.replace("g", ""));
  return (t) => rx.test(t);
}

