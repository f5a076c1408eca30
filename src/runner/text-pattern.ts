// SPDX-License-Identifier: MIT
/**
 * Text patterns of `expect.shown`: a substring (case-sensitive, except that hexadecimal codes such as
 * 0x801C0003 match in any letter case) or a `/regex/flags`.
 */

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
  if (!re) {
    const p = foldHex(pattern);
    return (t) => foldHex(t).includes(p);
  }
  const rx = new RegExp(re[1]!, re[2]!.replace("g", ""));
  return (t) => rx.test(t);
}


/**
 * Lower-cases the digits of every 0x… hexadecimal literal. Devices print codes in the case their OS
 * screen or log uses (Windows' Autopilot screen and Event 76 write 0x801c0003, Microsoft's error tables
 * 0x801C0003), so a scenario author copying a code from either source matches both.
 */
function foldHex(text: string): string {
  return text.replace(/\b0[xX][0-9a-fA-F]+\b/g, (h) => h.toLowerCase());
}
