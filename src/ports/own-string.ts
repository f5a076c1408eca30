// SPDX-License-Identifier: MIT
/**
 * A copy of a string that shares no memory with the text it was cut from.
 *
 * V8 represents a substring of 13 or more characters (what `slice`, a RegExp match or a SAX text
 * event returns) as a slice that keeps its whole parent string alive. A value read from a parsed
 * document and then kept for the life of an enrolled device therefore keeps the document: the
 * Apple push topic, read from the enrollment profile and held by the push registry, kept each
 * device's 4.3 KB profile in memory for the whole run (a heap snapshot at 2,000 devices: 2,000
 * profiles, 8.2 MiB, two thirds of the heap the devices held). Call this on strings kept per
 * device for long; short-lived values need nothing.
 *
 * `" " + s` is a new two-part string; `slice(1)` flattens it into a fresh string of its own and
 * cuts from that, so the result refers to a copy no longer than `s` plus one character.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}
