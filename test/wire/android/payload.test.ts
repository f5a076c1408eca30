// SPDX-License-Identifier: MIT
/** Golden provisioning payloads and their annotated mutations (test/fixtures/android). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ProvisioningPayloadError } from "../../../src/wire/android/errors.js";
import { EXTRAS, extraFor } from "../../../src/wire/android/extras.js";
import {
  parseAfwIdentifier,
  parseKmeProfile,
  parseNfcPayload,
  parseQrPayload,
  parseZeroTouchConfiguration,
  validateExtras,
} from "../../../src/wire/android/payload.js";
import { buildNfcPayload, buildQrPayload } from "../../../src/wire/android/build.js";
import { parseProperties, stringifyProperties } from "../../../src/wire/android/properties.js";
import { toHex } from "../../../src/wire/android/base64url.js";

const dir = join(import.meta.dirname, "../../fixtures/android");
const read = (f: string) => readFileSync(join(dir, f), "utf8");

describe("golden payloads", () => {
  it("AMAPI QR: component, signature checksum, token in admin extras", () => {
    const p = parseQrPayload(read("qr-amapi.json"));
    expect(p.component).toEqual({ pkg: "com.google.android.apps.work.clouddpc", cls: "com.google.android.apps.work.clouddpc.receivers.CloudDeviceAdminReceiver" });
    expect(toHex(p.download!.signatureChecksum!)).toBe("23962f4b43b9857638ea66f4d419518eae282491acda4b94707bd59003c45e58");
    expect(p.adminExtras["com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN"]).toBe("ABCDEFGHIJKLMNOPQRST");
    expect(p.trigger).toBe(2);
    expect(p.warnings).toEqual([]);
  });
  it("Headwind QR: Wi-Fi, locale normalised, string boolean accepted with a warning", () => {
    const p = parseQrPayload(read("qr-headwind.json"));
    expect(p.wifi).toMatchObject({ ssid: "corp-setup", securityType: "WPA", password: "not-a-real-psk", hidden: false });
    expect(p.locale).toBe("en-US");
    expect(p.leaveAllSystemAppsEnabled).toBe(true);
    expect(p.warnings.some((w) => w.includes("string"))).toBe(true);
    expect(p.adminExtras["com.hmdm.DEVICE_ID"]).toBe("kiosk-0001");
  });
  it("NFC Properties: aliases, numbers parsed, Boolean.parseBoolean, nested Properties admin extras are strings", () => {
    const p = parseNfcPayload(read("nfc-headwind.properties"));
    expect(p.trigger).toBe(5);
    expect(p.download!.location).toBe("https://mdm.example.com/files/hmdm.apk");
    expect(p.download!.packageChecksum).toHaveLength(32);
    expect(p.wifi!.proxyPort).toBe(8080);
    expect(p.localTime).toBe(1790000000000);
    expect(p.skipEncryption).toBe(true);
    expect(p.adminExtras).toEqual({ "com.hmdm.BASE_URL": "https://mdm.example.com", "com.hmdm.SKIP_INTRO": "true" });
  });
  it("zero-touch configuration: dpcExtras parsed with the cloud-enrollment trigger", () => {
    const { config, params } = parseZeroTouchConfiguration(read("zero-touch.json"));
    expect(config.companyName).toBe("Example Corp");
    expect(params.trigger).toBe(1);
    expect(params.packageName).toBe("com.google.android.apps.work.clouddpc");
  });
  it("KME profile: custom JSON merged with username/kmeUri into the admin extras", () => {
    const { params } = parseKmeProfile(read("kme.json"));
    expect(params.adminExtras).toMatchObject({ "com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN": "ABCDEFGHIJKLMNOPQRST", username: "", kmeUri: "https://kme.example.com" });
    const bare = parseKmeProfile(JSON.stringify({ ...JSON.parse(read("kme.json")), customJson: undefined }));
    expect(bare.params.warnings.join()).toContain("android-kme-missing-custom-json");
  });
  it("afw#setup", () => {
    expect(parseAfwIdentifier("afw#setup")).toEqual({ identifier: "setup", trigger: 4 });
    expect(() => parseAfwIdentifier("afw setup")).toThrow(ProvisioningPayloadError);
  });
  it("a built QR payload and its NFC form parse to the same parameters", () => {
    const qr = buildQrPayload({ component: "com.example.dpc/.Admin", downloadLocation: "https://h/dpc.apk", packageChecksum: "gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w", wifi: { ssid: "s", password: "p" }, adminExtras: { "x.server": "https://h", "x.n": 3 } });
    const a = parseQrPayload(JSON.stringify(qr));
    const b = parseNfcPayload(buildNfcPayload(qr));
    expect(b.component).toEqual(a.component);
    expect(b.wifi).toEqual(a.wifi);
    expect(b.adminExtras).toEqual({ "x.server": "https://h", "x.n": "3" });
  });
});

describe("mutations (see mutations/README.md)", () => {
  const rows = read("mutations/README.md").split("\n").filter((l) => l.startsWith("| `"));
  it("the table lists every mutated file", () => {
    expect(rows).toHaveLength(13);
  });
  for (const row of rows) {
    const [, file, , , code, text] = row.split("|").map((c) => c.trim().replace(/^`|`$/g, ""));
    it(`${file} → ${code}`, () => {
      const body = read(`mutations/${file}`);
      const parse = file!.endsWith(".properties") ? () => parseNfcPayload(body) : () => parseQrPayload(body);
      try {
        parse();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ProvisioningPayloadError);
        expect((e as ProvisioningPayloadError).code).toBe(code);
        expect((e as ProvisioningPayloadError).message.startsWith(text!)).toBe(true);
        expect((e as ProvisioningPayloadError).blame).toBe("server");
      }
    });
  }
});

describe("extras table and hostile input", () => {
  it("every extra has a type and rule; long names and aliases resolve", () => {
    for (const e of EXTRAS) {
      expect(e.rule.length).toBeGreaterThan(3);
      expect(extraFor(`android.app.extra.${e.name}`)).toBe(e);
      if (e.alias) expect(extraFor(e.alias)).toBe(e);
    }
    expect(EXTRAS.length).toBeGreaterThanOrEqual(50);
  });
  it("non-strict validation turns unknown extras into warnings", () => {
    const p = validateExtras({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME": "com.x.y", "android.app.extra.NOPE": 1 }, "intent", { strict: false });
    expect(p.warnings.join()).toContain("unknown extra");
  });
  it("hostile QR texts end in typed errors, never crashes", () => {
    const hostile = ["", "null", "[]", "42", "\"str\"", "{".repeat(100000), "[".repeat(5000) + "]".repeat(5000), "x".repeat(20000), '{"a":1,}', JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": ["a"] }), JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "a.b/.C", "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": { a: null } }), JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "a.b/.C", "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])) }), JSON.stringify({ "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "a.b/.C", "android.app.extra.PROVISIONING_IMEI": "1" })];
    for (const h of hostile) expect(() => parseQrPayload(h)).toThrow(ProvisioningPayloadError);
  });
  it("Properties round trip with escapes and unicode", () => {
    const entries: [string, string][] = [["a key", "v=1:2"], ["k", " lead\ttab\n"], ["ü", "€ and \\ back"]];
    expect([...parseProperties(stringifyProperties(entries))]).toEqual(entries);
  });
});
