// SPDX-License-Identifier: MIT
/** Check-in / command codecs against golden fixtures and their mutations; Mdm-Signature incl. openssl. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildAuthenticate,
  buildCommand,
  buildCommandResult,
  buildTokenUpdate,
  parseCheckin,
  parseCommand,
  parseCommandResult,
  signMdmBody,
  verifyMdmSignature,
} from "../../../src/wire/apple/mdm.js";
import { PlistError, buildPlist, parsePlist } from "../../../src/wire/apple/plist.js";
import { crypto, testPki, type TestPki } from "./helpers.js";

const fx = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, "../../fixtures/apple", name)));
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(PlistError);
    return (e as PlistError).code;
  }
};
const TOPIC = "com.apple.mgmt.External.2f5e8d9c-1111-4aaa-8bbb-0123456789ab";
const UDID = "00008120-001A2B3C4D5E6F70";

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

describe("check-in messages", () => {
  it("builders produce the golden fixtures byte for byte", () => {
    const auth = buildAuthenticate({
      topic: TOPIC,
      ref: { udid: UDID },
      buildVersion: "21F90",
      deviceName: "iPhone",
      imei: "35 310574 123456 7",
      meid: "35310574123456",
      model: "MTP03LL/A",
      modelName: "iPhone",
      osVersion: "17.5.1",
      productName: "iPhone15,4",
      serialNumber: "F4K2M9XQ7R",
    });
    expect(buildPlist(auth)).toBe(Buffer.from(fx("authenticate.plist")).toString("utf8"));
    const tu = buildTokenUpdate({
      topic: TOPIC,
      ref: { udid: UDID },
      token: Uint8Array.from({ length: 32 }, (_, i) => i),
      pushMagic: "5A1C0E2B-3D4F-4A6B-8C9D-0E1F2A3B4C5D",
      awaitingConfiguration: true,
      notOnConsole: false,
    });
    expect(buildPlist(tu)).toBe(Buffer.from(fx("tokenupdate.plist")).toString("utf8"));
    expect(tu.NotOnConsole).toBe(false);
  });

  it("parses golden check-ins; mutated copies give the documented errors", () => {
    expect(parseCheckin(fx("authenticate.plist"))).toMatchObject({ messageType: "Authenticate", udid: UDID, topic: TOPIC });
    expect(parseCheckin(fx("tokenupdate.plist")).dict.AwaitingConfiguration).toBe(true);
    expect(codeOf(() => parseCheckin(fx("mutated/tokenupdate-awaiting-string.plist")))).toBe("plist.wrong-type");
    expect(codeOf(() => parseCheckin(fx("mutated/tokenupdate-notonconsole-string.plist")))).toBe("plist.wrong-type");
    expect(codeOf(() => parseCheckin(fx("mutated/tokenupdate-no-token.plist")))).toBe("plist.missing-key");
    expect(codeOf(() => parseCheckin(fx("mutated/authenticate-unknown-messagetype.plist")))).toBe("plist.wrong-type");
    expect(codeOf(() => parseCheckin(fx("mutated/authenticate-entity.plist")))).toBe("plist.entity");
    expect(codeOf(() => parseCheckin(fx("mutated/authenticate-truncated.plist")))).toBe("plist.malformed");
  });

  it("user enrollment Authenticate carries EnrollmentID and no hardware identifiers", () => {
    const d = buildAuthenticate({ topic: TOPIC, ref: { enrollmentId: "E-1" }, serialNumber: "X", imei: "1", osVersion: "17.5" });
    expect(d).toEqual({ MessageType: "Authenticate", Topic: TOPIC, EnrollmentID: "E-1", OSVersion: "17.5" });
  });
});

describe("commands and results", () => {
  it("golden command parses; mutations are format errors or plist errors", () => {
    const c = parseCommand(fx("command-deviceinformation.plist"));
    expect(c).toMatchObject({ commandUUID: "0001-device-information", requestType: "DeviceInformation" });
    expect(parseCommand(fx("mutated/command-requesttype-integer.plist"))).toMatchObject({ formatError: expect.stringMatching(/RequestType/) });
    expect(parseCommand(fx("mutated/command-missing-queries.plist"))).toMatchObject({ requestType: "DeviceInformation" });
    expect(codeOf(() => parseCommand(fx("mutated/command-queries-not-array.plist")))).toBe("plist.malformed");
    expect(parsePlist(buildPlist(buildCommand("u", "DeviceInformation", { Queries: ["UDID"] })))).toEqual({ CommandUUID: "u", Command: { RequestType: "DeviceInformation", Queries: ["UDID"] } });
  });

  it("results round-trip; Error carries an ErrorChain; Idle has no CommandUUID", () => {
    const idle = buildCommandResult({ ref: { udid: UDID }, status: "Idle" });
    expect(idle).toEqual({ UDID, Status: "Idle" });
    const err = buildCommandResult({
      ref: { udid: UDID },
      status: "Error",
      commandUUID: "c1",
      errorChain: [{ ErrorCode: 12021, ErrorDomain: "MCMDMErrorDomain", LocalizedDescription: "x", USEnglishDescription: "x" }],
    });
    const parsed = parseCommandResult(new Uint8Array(Buffer.from(buildPlist(err))));
    expect(parsed).toMatchObject({ status: "Error", commandUUID: "c1", udid: UDID });
    expect(() => buildCommandResult({ ref: { udid: UDID }, status: "Acknowledged" })).toThrow(/CommandUUID/);
    expect(codeOf(() => parseCommandResult(new Uint8Array(Buffer.from(buildPlist({ UDID, Status: "Maybe" })))))).toBe("plist.wrong-type");
    expect(codeOf(() => parseCommandResult(new Uint8Array(Buffer.from(buildPlist({ UDID, Status: "Acknowledged" })))))).toBe("plist.missing-key");
  });
});

describe("Mdm-Signature", () => {
  it("signs detached over the body; verifies; tampering fails", () => {
    const body = new Uint8Array(Buffer.from(buildPlist({ UDID, Status: "Idle" })));
    const header = signMdmBody(body, pki.leaf, pki.leafKey, crypto);
    const ok = verifyMdmSignature(header, body, crypto);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.certificate.subject).toContain("leaf");
    const tampered = new Uint8Array(body);
    tampered[tampered.length - 3] ^= 1;
    expect(verifyMdmSignature(header, tampered, crypto)).toMatchObject({ ok: false, reason: "digest-mismatch" });
    expect(verifyMdmSignature("not base64 !!", body, crypto)).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyMdmSignature(Buffer.from("garbage").toString("base64"), body, crypto)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("openssl cms -verify accepts the detached signature over the body", () => {
    const dir = mkdtempSync(join(tmpdir(), "mdmsig-"));
    const body = new Uint8Array(Buffer.from(buildPlist({ UDID, Status: "Idle" })));
    writeFileSync(join(dir, "body"), body);
    writeFileSync(join(dir, "sig.der"), Buffer.from(signMdmBody(body, pki.leaf, pki.leafKey, crypto), "base64"));
    const out = execFileSync("openssl", ["cms", "-verify", "-binary", "-noverify", "-inform", "DER", "-in", join(dir, "sig.der"), "-content", join(dir, "body"), "-out", join(dir, "out")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toBeDefined();
    expect(readFileSync(join(dir, "out"))).toEqual(Buffer.from(body));
  });
});
