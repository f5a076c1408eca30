// SPDX-License-Identifier: MIT
/**
 * Property-based tests of the Android readers: provisioning payload JSON (QR, NFC, zero-touch,
 * KME), java.util.Properties, NDEF, ZIP and APK, URL-safe base64, AMAPI and Headwind answers, and
 * QR PNG decoding. Round trips where a builder exists; damaged or arbitrary input ends in a
 * SimError, never a crash.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { decodeQrPng, qrPng } from "../../src/api/android/qr.js";
import { readDevice, readStatusAck, parseGoogleError } from "../../src/wire/android/amapi.js";
import { buildFakeApk, parseFakeApk } from "../../src/wire/android/apk.js";
import { decodeUrlSafeBase64 } from "../../src/wire/android/base64url.js";
import { buildNfcPayload, buildQrPayload } from "../../src/wire/android/build.js";
import { readEnvelope, readPushMessages, readSyncResponse } from "../../src/wire/android/headwind.js";
import { decodeNdefProvisioning, encodeNdefProvisioning } from "../../src/wire/android/ndef.js";
import { parseAfwIdentifier, parseJsonObject, parseKmeProfile, parseNfcPayload, parseQrPayload, parseZeroTouchConfiguration } from "../../src/wire/android/payload.js";
import { parseProperties, stringifyProperties } from "../../src/wire/android/properties.js";
import { buildZip, readZip } from "../../src/wire/android/zip.js";
import { check, expect, fc, fuzzTimeout, mutatedBytes, mutatedText, typedOrOk } from "./support.js";

const fx = (name: string) => readFileSync(join(import.meta.dirname, "../fixtures/android", name), "utf8");
const JSON_FRAGMENTS = ["{", "}", "[", "]", '"', ",", ":", "null", "1e999", "-0", '"\\u0000"', "true", '"android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE":{'];

const textReaders: [string, (s: string) => unknown][] = [
  ["parseJsonObject", (s) => parseJsonObject(s, "fuzz")],
  ["parseQrPayload", (s) => parseQrPayload(s)],
  ["parseNfcPayload", (s) => parseNfcPayload(s)],
  ["parseAfwIdentifier", (s) => parseAfwIdentifier(s)],
  ["parseZeroTouchConfiguration", (s) => parseZeroTouchConfiguration(s)],
  ["parseKmeProfile", (s) => parseKmeProfile(s)],
  ["parseProperties", (s) => parseProperties(s)],
  ["decodeUrlSafeBase64", (s) => decodeUrlSafeBase64(s)],
  ["readDevice", (s) => readDevice(s)],
  ["readStatusAck", (s) => readStatusAck(s)],
  ["parseGoogleError", (s) => parseGoogleError(s)],
  ["readEnvelope", (s) => readEnvelope(s)],
];
const readText = (s: string) => textReaders.forEach(([, r]) => typedOrOk(() => r(s)));

describe("Android payload properties", () => {
  it("arbitrary text and JSON are read or refused with a typed error by every payload reader", { timeout: fuzzTimeout }, () => {
    check(200, fc.string({ maxLength: 120 }), readText);
    check(200, fc.json({ maxDepth: 5 }), readText);
    check(150, fc.jsonValue({ maxDepth: 4 }), (v) => {
      typedOrOk(() => readSyncResponse(v));
      typedOrOk(() => readPushMessages(v));
    });
  });

  it("damaged shipped payloads (QR, NFC, zero-touch, KME) are read or refused with a typed error", { timeout: fuzzTimeout }, () => {
    for (const name of ["qr-amapi.json", "qr-headwind.json", "zero-touch.json", "kme.json", "nfc-headwind.properties"]) {
      check(40, mutatedText(fx(name), JSON_FRAGMENTS.concat(["\\", "\\u12", "=", "\n", "#"])), readText);
    }
  });

  it("a built QR payload parses back to the same parameters; NFC properties too", { timeout: fuzzTimeout }, () => {
    const input = fc.record({
      component: fc.stringMatching(/^[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8}){1,3}\/\.[A-Z][A-Za-z]{0,10}$/),
      organizationName: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
      leaveAllSystemAppsEnabled: fc.option(fc.boolean(), { nil: undefined }),
      adminExtras: fc.option(fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ maxLength: 12 }), { maxKeys: 4 }), { nil: undefined }),
    });
    check(150, input, (i) => {
      const qr = buildQrPayload(i);
      const p = parseQrPayload(JSON.stringify(qr));
      expect(p.component ?? p.adminComponent ?? JSON.stringify(p)).toBeTruthy();
      typedOrOk(() => parseNfcPayload(buildNfcPayload(qr)));
    });
  });
});

describe("Properties, NDEF, ZIP/APK and QR PNG properties", () => {
  const propKey = fc.string({ minLength: 1, maxLength: 12 });
  it("stringifyProperties → parseProperties is the identity", { timeout: fuzzTimeout }, () => {
    check(200, fc.uniqueArray(fc.tuple(propKey, fc.string({ maxLength: 20 })), { maxLength: 6, selector: ([k]) => k }), (entries) => {
      expect([...parseProperties(stringifyProperties(entries))]).toEqual(entries);
    });
  });

  it("NDEF encode → decode is the identity; damaged records are refused with a typed error", { timeout: fuzzTimeout }, () => {
    check(150, fc.string({ maxLength: 300 }), (s) => {
      expect(decodeNdefProvisioning(encodeNdefProvisioning(s))).toBe(s);
    });
    check(150, mutatedBytes(encodeNdefProvisioning(fx("nfc-headwind.properties"))), (b) => typedOrOk(() => decodeNdefProvisioning(b)));
    check(150, fc.uint8Array({ maxLength: 64 }), (b) => typedOrOk(() => decodeNdefProvisioning(b)));
  });

  it("ZIP build → read is the identity; damaged archives and APKs are refused with a typed error", { timeout: fuzzTimeout }, () => {
    const entry = fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9/]{0,10}\.[a-z]{1,4}$/), data: fc.uint8Array({ maxLength: 64 }) });
    check(100, fc.uniqueArray(entry, { maxLength: 4, selector: (e) => e.name }), (entries) => {
      const back = readZip(buildZip(entries));
      expect([...back.keys()]).toEqual(entries.map((e) => e.name));
    });
    const zip = buildZip([{ name: "a.txt", data: new TextEncoder().encode("hello") }, { name: "b/c.bin", data: new Uint8Array(40).fill(7) }]);
    check(150, mutatedBytes(zip), (b) => typedOrOk(() => readZip(b)));
    const apk = buildFakeApk({ packageName: "com.example.dpc", versionCode: 3, versionName: "1.2", receivers: ["com.example.dpc.Admin"], signers: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])] }, 64);
    check(150, mutatedBytes(apk), (b) => typedOrOk(() => parseFakeApk(b)));
  });

  it("QR PNG decoding: damaged or arbitrary images are decoded or refused with a typed error", { timeout: fuzzTimeout }, async () => {
    const { png } = await qrPng('{"a":"b"}', "L");
    expect(decodeQrPng(png)).toBe('{"a":"b"}');
    check(40, mutatedBytes(png), (b) => typedOrOk(() => decodeQrPng(b)));
    check(60, fc.uint8Array({ maxLength: 64 }), (b) => typedOrOk(() => decodeQrPng(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...b]))));
  });
});
