// SPDX-License-Identifier: MIT
/**
 * Property-based tests of the Apple readers: plist round trips through the `plist` package
 * behind the safe wrapper, and damaged or arbitrary check-in messages, commands, command reports,
 * profiles and DDM documents that end in a typed error, never a crash.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { parseDdmJson, parseDeclaration, parseDeclarationItems, parseStatusReport, parseTokensResponse } from "../../src/wire/apple/ddm.js";
import { parseCheckin, parseCommand, parseCommandResult } from "../../src/wire/apple/mdm.js";
import { buildPlist, buildPlistBytes, parsePlist, type PlistValue } from "../../src/wire/apple/plist.js";
import { parseMobileconfig } from "../../src/wire/apple/profile.js";
import { check, expect, fc, fuzzTimeout, mutatedBytes, mutatedText, typedOrOk } from "./support.js";

const fx = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, "../fixtures/apple", name)));

/** Text a plist can carry: XML 1.0 characters (TAB, LF, CR and above U+001F, no U+FFFE/U+FFFF, no lone surrogates). */
const plistString = fc.string({ unit: "grapheme", maxLength: 16 }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "?"));
const key = plistString.filter((k) => k !== "__proto__");
const value: fc.Arbitrary<PlistValue> = fc.letrec<{ v: PlistValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    plistString,
    fc.maxSafeInteger().map((n) => n as number),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
    fc.boolean(),
    fc.uint8Array({ maxLength: 40 }),
    fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(key, tie("v"), { maxKeys: 4, noNullPrototype: true }),
  ),
})).v;

describe("plist properties", () => {
  it("parsePlist(buildPlist(v)) equals v for every value of the value model", { timeout: fuzzTimeout }, () => {
    check(200, value, (v) => {
      expect(parsePlist(buildPlist(v))).toEqual(v);
      expect(parsePlist(buildPlistBytes(v))).toEqual(v);
    });
  });

  it("arbitrary text and bytes are parsed or refused with a typed plist.* error", { timeout: fuzzTimeout }, () => {
    check(300, fc.string({ maxLength: 200 }), (s) => typedOrOk(() => parsePlist(s)));
    check(200, fc.uint8Array({ maxLength: 200 }), (b) => typedOrOk(() => parsePlist(b)));
  });

  it("damaged check-ins, commands and reports are parsed or refused with a typed error", { timeout: fuzzTimeout }, () => {
    for (const name of ["authenticate.plist", "tokenupdate.plist", "command-deviceinformation.plist"]) {
      const text = new TextDecoder().decode(fx(name));
      check(40, mutatedText(text), (s) => {
        const b = new TextEncoder().encode(s);
        typedOrOk(() => parseCheckin(b));
        typedOrOk(() => parseCommand(b));
        typedOrOk(() => parseCommandResult(b));
      });
      check(30, mutatedBytes(fx(name)), (b) => typedOrOk(() => parseCheckin(b)));
    }
  });

  it("damaged and arbitrary profiles are parsed or refused with a typed error", { timeout: fuzzTimeout }, () => {
    const profile = fx("enrollment-profile.mobileconfig");
    check(60, mutatedText(new TextDecoder().decode(profile)), (s) => typedOrOk(() => parseMobileconfig(new TextEncoder().encode(s))));
    check(60, mutatedBytes(profile), (b) => typedOrOk(() => parseMobileconfig(b)));
    // CMS-looking bytes (a SEQUENCE) take the signed-profile path
    check(100, fc.uint8Array({ maxLength: 120 }), (b) => typedOrOk(() => parseMobileconfig(Uint8Array.from([0x30, 0x80, ...b]))));
  });

  it("DDM JSON documents: damaged or arbitrary input is parsed or refused with a typed error", { timeout: fuzzTimeout }, () => {
    const readers = [
      (b: Uint8Array) => parseDdmJson(b, "fuzz"),
      parseTokensResponse,
      parseDeclarationItems,
      parseStatusReport,
      (b: Uint8Array) => parseDeclaration(b, "activation"),
      (b: Uint8Array) => parseDeclaration(b, "configuration"),
    ];
    const all = (b: Uint8Array) => readers.forEach((r) => typedOrOk(() => r(b)));
    for (const name of ["activation.json", "declaration-items.json", "status-report.json", "tokens.json"]) {
      check(30, mutatedText(new TextDecoder().decode(fx(`ddm/${name}`)), ["{", "}", "[", "]", '"', ",", ":", "null", "1e999", "-0", '"\\u0000"', "true"]), (s) => all(new TextEncoder().encode(s)));
    }
    check(200, fc.json({ maxDepth: 4 }), (j) => all(new TextEncoder().encode(j)));
  });
});
