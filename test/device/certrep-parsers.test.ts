// SPDX-License-Identifier: MIT
/**
 * The CertRep parser table (devices/scep-clients/*.yaml): the shipped rows give each release its published reaction,
 * a release without a row stays RFC-strict, a user's --devices rows come first, and a bad row names file:line:column.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CertRepParserCatalog, parseCertRepParsers } from "../../src/device/certrep-parsers.js";
import { loadCertRepParsers } from "../../src/runner/catalog-files.js";

const reactions = (c: CertRepParserCatalog, platform: "ios" | "ipados" | "macos" | "windows" | "android", osVersion: string, apiLevel?: number) =>
  Object.fromEntries(c.forDevice({ platform, osVersion, ...(apiLevel !== undefined ? { apiLevel } : {}) }).rules.map((r) => [`${r.property}=${r.value}`, r.reaction]));

describe("CertRep parser table", () => {
  const shipped = loadCertRepParsers();

  it("the shipped rows: iOS 10.3.3 and 11.4 crash on a signature OID, macOS 10.12–10.13 accept it, iOS 11.2/11.4 refuse AES-GCM", () => {
    expect(reactions(shipped, "ios", "11.4")).toEqual({ "signerDigestAlgorithm=signature": "crash", "contentCipher=aes-128-gcm": "reject" });
    // iOS 10 also refuses a CA whose GetCACaps advertises no SHA digest (getcacaps.yaml, micromdm/scep#23).
    expect(reactions(shipped, "ios", "10.3.3")).toEqual({ "signerDigestAlgorithm=signature": "crash", "getCaCaps=no-digest": "reject" });
    expect(reactions(shipped, "ios", "10.0")).toEqual({ "getCaCaps=no-digest": "reject" });
    expect(reactions(shipped, "ios", "11.2")).toEqual({ "contentCipher=aes-128-gcm": "reject" });
    expect(reactions(shipped, "macos", "10.13.6")).toEqual({ "signerDigestAlgorithm=signature": "accept" });
    expect(reactions(shipped, "macos", "10.12")).toEqual({ "signerDigestAlgorithm=signature": "accept" });
    // Releases no source names: no rule, the RFC-strict default.
    expect(reactions(shipped, "macos", "10.14")).toEqual({});
    expect(reactions(shipped, "ios", "11.2.6")).toEqual({});
    expect(reactions(shipped, "windows", "10.0.22631")).toEqual({});
    expect(reactions(shipped, "android", "14", 34)).toEqual({});
    // iPads ran iOS's releases: an ios row covers them (micromdm/scep#76 was an iPad4,4 on 10.3.3).
    expect(reactions(shipped, "ipados", "10.3.3")).toEqual({ "signerDigestAlgorithm=signature": "crash", "getCaCaps=no-digest": "reject" });
    expect(shipped.forDevice({ platform: "ios", osVersion: "11.4" }).rules.every((r) => r.source.startsWith("https://github.com/micromdm/"))).toBe(true);
  });

  it("the GetCACert rows (getcacert.yaml): macOS from 13.0 refuses a set with no RA candidate (Security-60420), 12.5 has no row; iOS from 16.0 (assumed)", () => {
    expect(reactions(shipped, "macos", "13.0")).toEqual({ "getCaCert=no-ra-candidate": "reject" });
    expect(reactions(shipped, "macos", "14.6.1")).toEqual({ "getCaCert=no-ra-candidate": "reject" });
    expect(reactions(shipped, "macos", "12.5")).toEqual({});
    expect(reactions(shipped, "ios", "17.6.1")).toEqual({ "getCaCert=no-ra-candidate": "reject" });
    expect(reactions(shipped, "ipados", "16.0")).toEqual({ "getCaCert=no-ra-candidate": "reject" });
    expect(reactions(shipped, "ios", "15.8")).toEqual({});
    const ios = shipped.forDevice({ platform: "ios", osVersion: "17.6.1" }).rules[0]!;
    expect(ios.source).toMatch(/NOT published: 16\.0 is enrollsim's assumption/);
  });

  it("a --devices DIR's scep-clients rows come before the shipped ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-parsers-"));
    mkdirSync(join(dir, "scep-clients"));
    writeFileSync(
      join(dir, "scep-clients", "mine.yaml"),
      'parsers:\n  - { platform: ios, from: "11.0", until: "12.0", encoding: { signerDigestAlgorithm: signature }, reaction: reject, source: "our lab, iOS 11.x" }\n  - { platform: android, from: 21, until: 24, encoding: { contentCipher: aes-128-gcm }, reaction: crash, source: "our lab" }\n',
    );
    const c = loadCertRepParsers(dir);
    expect(reactions(c, "ios", "11.4")["signerDigestAlgorithm=signature"]).toBe("reject");
    expect(reactions(c, "ios", "11.2.6")).toEqual({ "signerDigestAlgorithm=signature": "reject" });
    expect(reactions(c, "ios", "10.3.3")["signerDigestAlgorithm=signature"]).toBe("crash");
    expect(reactions(c, "android", "7.0", 24)).toEqual({});
    expect(reactions(c, "android", "6.0", 23)).toEqual({ "contentCipher=aes-128-gcm": "crash" });
    // A --devices DIR without scep-clients/ is fine: the shipped rows.
    expect(loadCertRepParsers(mkdtempSync(join(tmpdir(), "enrollsim-parsers-"))).rows).toEqual(shipped.rows);
  });

  it.each([
    ['parsers:\n  - { platform: ios, releases: ["11.4"], encoding: { signerDigestAlgorithm: sig }, reaction: crash, source: x }\n', /f\.yaml:2:5.*encoding\.signerDigestAlgorithm is "sig"/],
    ['parsers:\n  - platform: ios\n    releases: ["11.4"]\n    encoding: { contentCipher: aes-128-gcm }\n    reaction: accept\n    source: x\n', /f\.yaml:5:15.*accepting aes-128-gcm is not modelled/],
    ['parsers:\n  - { platform: iso, releases: ["11.4"], encoding: { contentCipher: aes-128-gcm }, reaction: reject, source: x }\n', /f\.yaml:2:17.*platform is "iso"/],
    ['parsers:\n  - { platform: ios, releases: ["11.4"], encoding: { contentCipher: aes-128-gcm }, reaction: reject }\n', /f\.yaml:2:5.*source is missing/],
    ["parsers:\n  - { platform: ios, releases: [11.4], encoding: { contentCipher: aes-128-gcm }, reaction: reject, source: x }\n", /releases is \[11\.4\]/],
    ['parsers:\n  - { platform: ios, release: ["11.4"], encoding: { contentCipher: aes-128-gcm }, reaction: reject, source: x }\n', /unknown field "release"/],
    // Hostile shapes: a typed error at the row, not a TypeError; malformed YAML and a duplicate key at the parser's position (not 1:1).
    // GetCACaps rows: `getCaCaps` instead of `encoding`, a known value, no crash.
    ['parsers:\n  - { platform: ios, from: "10.0", getCaCaps: no-sha, reaction: reject, source: x }\n', /f\.yaml:2:\d+.*getCaCaps is "no-sha"/],
    ['parsers:\n  - { platform: ios, from: "10.0", getCaCaps: no-digest, encoding: { contentCipher: aes-128-gcm }, reaction: reject, source: x }\n', /has encoding and getCaCaps/],
    ['parsers:\n  - { platform: ios, from: "10.0", getCaCaps: no-digest, reaction: crash, source: x }\n', /a crash on a GetCACaps answer is not modelled/],
    // GetCACert rows: `getCaCert: no-ra-candidate`, one property per row, no crash.
    ['parsers:\n  - { platform: macos, from: "13.0", getCaCert: no-ra, reaction: reject, source: x }\n', /f\.yaml:2:\d+.*getCaCert is "no-ra"/],
    ['parsers:\n  - { platform: macos, from: "13.0", getCaCert: no-ra-candidate, getCaCaps: no-digest, reaction: reject, source: x }\n', /has getCaCaps and getCaCert/],
    ['parsers:\n  - { platform: macos, from: "13.0", getCaCert: no-ra-candidate, reaction: crash, source: x }\n', /a crash on a GetCACert answer is not modelled/],
    ["parsers:\n  - null\n", /f\.yaml:2:5.*parsers\[0\] is null/],
    ["parsers:\n  - ios\n", /f\.yaml:2:5.*parsers\[0\] is "ios"/],
    ["parsers:\n  - { platform: ios,\n  - x: [\n", /f\.yaml:3:\d+.*invalid YAML/],
    ['parsers:\n  - { platform: ios, platform: macos, releases: ["1"], encoding: { contentCipher: aes-128-gcm }, reaction: reject, source: x }\n', /f\.yaml:2:\d+.*invalid YAML: Map keys must be unique/],
  ])("a bad row is refused with file:line:column (%#)", (text, message) => {
    let err: unknown;
    try {
      parseCertRepParsers(text, "f.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeDefined();
    expect(`${(err as { location?: string }).location ?? ""} ${(err as Error).message}`).toMatch(message);
  });
});
