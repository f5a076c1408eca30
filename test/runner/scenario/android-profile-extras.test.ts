// SPDX-License-Identifier: MIT
/**
 * Issue 10: the Android provisioning-profile faults that each damaged one extra for one scenario
 * (wrong-component, extra-invalid-type, unknown-extra, bad-locale, nfc-bad-number, no-token,
 * no-customer) are gone. A profile's `extras` / `adminExtras` write any extra as an admin typed it
 * (null removes one); the device parses the payload as Android does. The old values are refused at
 * load with their replacement; the same profile without the bad extra enrolls.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context = scenarioContext(loadCatalog());
const opts = { keyPoolSize: 24, progress: false as const };
const T = 60_000;

const withProfile = (profile: string, options = "{ profile: p }") =>
  `name: t\nserver: embedded\nembedded:\n  android:\n    profiles:\n      p: ${profile}\ngroups:\n  - { name: g, model: pixel-8, count: 2, flow: android-qr, options: { android: ${options} } }\n`;

const loadError = (text: string): ScenarioError => scenarioLoadError(text, "ticket.yaml", context);

async function run(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-extras-")), "s.yaml");
  writeFileSync(file, text);
  return (await runScenario(file, opts)).summary;
}

describe("removed Android profile faults", () => {
  for (const [value, replacement] of [
    ["wrong-component", "PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME"],
    ["extra-invalid-type", "PROVISIONING_SKIP_ENCRYPTION"],
    ["unknown-extra", "extras:"],
    ["bad-locale", "PROVISIONING_LOCALE"],
    ["nfc-bad-number", "PROVISIONING_LOCAL_TIME"],
    ["no-token", "EXTRA_ENROLLMENT_TOKEN: null"],
    ["no-customer", "com.hmdm.CUSTOMER: null"],
  ] as const) {
    it(`fault: ${value} is refused at the value with its replacement`, () => {
      const e = loadError(withProfile(`{ mode: fully-managed, fault: ${value} }`));
      expect(e.location).toMatch(/^ticket\.yaml:6:\d+$/);
      expect(e.message).toContain(replacement);
    });
  }

  it("an extras key that is not an extra name is refused at load", () => {
    expect(loadError(withProfile('{ mode: fully-managed, extras: { "bad key": x } }')).location).toMatch(/^ticket\.yaml:6:/);
  });
});

describe("profile extras as the admin typed them", () => {
  it(
    "a locale Android cannot parse fails every device with invalid-locale; without it they enroll",
    async () => {
      const bad = await run(withProfile('{ mode: fully-managed, extras: { android.app.extra.PROVISIONING_LOCALE: "en US" } }'));
      expect(bad.enrolled).toBe(0);
      expect(bad.outcomes).toEqual({ "android.payload.invalid-locale": 2 });
      const good = await run(withProfile('{ mode: fully-managed, extras: { android.app.extra.PROVISIONING_LOCALE: "en_US" } }'));
      expect(good.enrolled).toBe(2);
    },
    T,
  );

  it(
    "a second failure on the same mechanism: a mistyped extra name is an unknown extra (strict parser)",
    async () => {
      const bad = await run(withProfile("{ mode: fully-managed, extras: { android.app.extra.PROVISIONING_WIFI_SSID_TYPO: corp } }"));
      expect(bad.enrolled).toBe(0);
      expect(bad.outcomes).toEqual({ "android.payload.unknown-extra": 2 });
    },
    T,
  );

  it(
    "null removes a computed admin extra: without its enrollment token Android Device Policy waits on its own enter-code screen",
    async () => {
      const bad = await run(withProfile("{ mode: fully-managed, adminExtras: { com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN: null } }"));
      expect(bad.enrolled).toBe(0);
      expect(bad.outcomes).toEqual({ "android.amapi.awaiting-token": 2 });
    },
    T,
  );
});

describe("removed embedded.android.amapi.fault: malformed", () => {
  it("is refused at the value with the faults: entry that replaces it", () => {
    const e = loadError("name: t\nserver: embedded\nembedded:\n  android:\n    amapi: { fault: malformed }\ngroups:\n  - { name: g, model: pixel-8, count: 1, flow: android-qr }\n");
    expect(e.location).toMatch(/^ticket\.yaml:5:\d+$/);
    expect(e.message).toContain("match: { step: android.amapi.redeem }");
  });
});

describe("profile checksumFormat (how the admin wrote the checksums) and the device's APK limit replace the checksum-* and apk-huge faults", () => {
  for (const [value, replacement] of [
    ["checksum-standard-base64", "checksumFormat: { encoding: base64 }"],
    ["checksum-hex", "checksumFormat: { encoding: hex }"],
    ["checksum-sha1", "checksumFormat: { algorithm: sha1 }"],
    ["apk-huge", "options.android.maxApkBytes: 4096"],
  ] as const) {
    it(`fault: ${value} is refused at the value with its replacement`, () => {
      const e = loadError(withProfile(`{ mode: fully-managed, checksum: package, fault: ${value} }`));
      expect(e.location).toMatch(/^ticket\.yaml:6:\d+$/);
      expect(e.message).toContain(replacement);
    });
  }

  it("an unknown encoding is refused with the values", () => {
    expect(loadError(withProfile("{ mode: fully-managed, checksumFormat: { encoding: base32 } }")).message).toMatch(/base64url, base64, hex, hex-colons/);
  });

  it(
    "each way of writing it ends as Android ends it; SHA-256 in URL-safe base64 enrolls",
    async () => {
      const outcomes = async (format: string, checksum = "package") => (await run(withProfile(`{ mode: fully-managed, checksum: ${checksum}, checksumFormat: ${format} }`))).outcomes;
      expect(await outcomes("{ algorithm: sha1 }")).toEqual({ "android.provision.hash-mismatch": 2 });
      expect(await outcomes("{ encoding: base64 }")).toEqual({ "android.payload.bad-base64": 2 });
      expect(await outcomes("{ encoding: hex-colons }", "signature")).toEqual({ "android.provision.hash-mismatch": 2 });
      expect(await outcomes("{ algorithm: sha256, encoding: base64url }", "both")).toEqual({ "android.enrolled": 2 });
    },
    T * 2,
  );
});
