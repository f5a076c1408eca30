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

/**
 * `compilePattern` as a test function, with globs matched segment by segment: the text between `*`s
 * is found leftmost-first in order (each segment a small anchored regex for its `?`s), so a glob
 * such as `*a*b*c*` over a megabyte body takes linear time where the equivalent `^.*a.*b.*c.*$`
 * regex backtracks polynomially. A `/regex/` is used as written.
 */
export function patternMatcher(text: string): (s: string) => boolean {
  if (/^\/(.+)\/([a-z]*)$/s.test(text)) {
    const re = compilePattern(text);
    return (s) => re.test(s);
  }
  const parts = text.split("*");
  if (parts.length === 1) {
    const re = compilePattern(text);
    return (s) => re.test(s);
  }
  const seg = (p: string) => new RegExp(p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\?/g, "."), "ys");
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts
    .slice(1, -1)
    .filter((p) => p !== "")
    .map(seg);
  const head = seg(first);
  const tail = seg(last);
  return (s) => {
    if (s.length < first.length + last.length) return false;
    head.lastIndex = 0;
    if (!head.test(s)) return false;
    const end = s.length - last.length;
    tail.lastIndex = end;
    if (!tail.test(s)) return false;
    let at = first.length;
    for (const re of middle) {
      const found = findFrom(re, s, at, end);
      if (found < 0) return false;
      at = found;
    }
    return true;
  };
}

/** Where the sticky segment `re` first matches in s[from, end), returning the index after it; -1 if nowhere. */
function findFrom(re: RegExp, s: string, from: number, end: number): number {
  const len = re.source.replace(/\\(.)/g, "$1").length;
  const literal = !re.source.includes(".") ? re.source.replace(/\\(.)/g, "$1") : undefined;
  for (let i = from; i + len <= end; i++) {
    if (literal !== undefined) {
      const j = s.indexOf(literal, i);
      return j < 0 || j + len > end ? -1 : j + len;
    }
    re.lastIndex = i;
    if (re.test(s)) return i + len;
  }
  return -1;
}
