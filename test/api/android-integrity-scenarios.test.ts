// SPDX-License-Identifier: MIT
/**
 * Device integrity end to end over loopback: the shipped pair (unlocked / rooted Pixels under an Intune-like policy
 * requiring basic & device integrity; fixed by a basic-integrity policy and an unrooted phone), and the load-time
 * errors for the new state and policy keys (file:line:column, did-you-mean).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../src/api/run-scenario.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";
import { scenarioLoadError } from "../support/scenario-load-error.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };
const T = 120_000;

describe("device integrity: shipped scenarios", () => {
  it(
    "android-unlocked-bootloader-play-integrity-failing: enrolled, two Noncompliant with the verdict and 'Rooted device detected'",
    async () => {
      const { summary } = await runScenario(failure("android-unlocked-bootloader-play-integrity-failing.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 5, enrolled: 5, ok: true });
      expect(summary.outcomes["android.compliance.noncompliant"]).toBe(2);
    },
    T,
  );
  it(
    "android-unlocked-bootloader-play-integrity-fixed: every device enrolls compliant",
    async () => {
      const { summary } = await runScenario(failure("android-unlocked-bootloader-play-integrity-fixed.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
      expect(summary.outcomes["android.compliance.noncompliant"] ?? 0).toBe(0);
    },
    T,
  );
});

describe("integrity evidence bound to a one-time server nonce: shipped scenarios (loopback, virtual time)", () => {
  it(
    "android-integrity-nonce-expired-failing: the two Pixels on the slow link report after the 5 s validity; Noncompliant, no verdict",
    async () => {
      const { summary } = await runScenario(failure("android-integrity-nonce-expired-failing.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
      expect(summary.outcomes["android.compliance.noncompliant"]).toBe(2);
    },
    T,
  );
  it(
    "composed with an edit in the request: evidence that loses its attested key on the way has no challenge and gets no verdict",
    async () => {
      // The fixed variant (60 s validity) whose slow-link fault is an edit instead of a delay: a middlebox drops
      // integrity.keyDescription from those Pixels' status reports.
      const fixed = readFileSync(failure("android-integrity-nonce-expired-fixed.yaml"), "utf8");
      const edited = fixed
        .replace("name: android-integrity-nonce-expired-fixed", "name: android-integrity-nonce-key-dropped")
        .replace(/expect:[\s\S]*$/, "")
        .replace("status reports reach the server 8 s late", "the attested key is dropped")
        .replace("delay: { ms: 8000 }", "edit: { in: request, remove: integrity/keyDescription }")
        .concat(
          [
            "expect:",
            "  outcomes:",
            "    android.enrolled: { count: 4 }",
            "    android.compliance.noncompliant: { count: 2 }",
            "  shown:",
            '    - { text: "Play Integrity Verdict: Check basic integrity & device integrity (no verdict received: the attestation carries no challenge from this server)", count: 2 }',
            "",
          ].join("\n"),
        );
      const file = join(mkdtempSync(join(tmpdir(), "enrollsim-nonce-")), "key-dropped.yaml");
      writeFileSync(file, edited);
      const { summary } = await runScenario(file, opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
    },
    T,
  );
  it(
    "android-integrity-nonce-expired-fixed: a 60 s validity covers the slow link; every Pixel is compliant",
    async () => {
      const { summary } = await runScenario(failure("android-integrity-nonce-expired-fixed.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
      expect(summary.outcomes["android.compliance.noncompliant"] ?? 0).toBe(0);
    },
    T,
  );
});

describe("Knox warranty bit under a KME Advanced Profile: shipped scenarios", () => {
  it(
    "android-kme-knox-warranty-bit-failing: the two repaired phones are locked, 'Locked due to attestation failure'",
    async () => {
      const { summary } = await runScenario(failure("android-kme-knox-warranty-bit-failing.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 5, enrolled: 3, failed: 2, ok: true });
    },
    T,
  );
  it(
    "android-kme-knox-warranty-bit-fixed: the standard profile for them; every phone enrolls",
    async () => {
      const { summary } = await runScenario(failure("android-kme-knox-warranty-bit-fixed.yaml"), opts);
      expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
    },
    T,
  );
});

describe("compliance read again at the steady-state check-in", () => {
  it(
    "timeline/android-patch-minimum-raised-noncompliant: enrolled compliant, then every check-in Noncompliant after the admin raises the minimum",
    async () => {
      const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/timeline/android-patch-minimum-raised-noncompliant.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    },
    T,
  );
});

describe("device integrity changed mid-run (timeline set of state.integrity)", () => {
  it(
    "timeline/android-rooted-after-enrollment-noncompliant: the rooted phone's next check-in is Noncompliant, the other's is not",
    async () => {
      const { summary } = await runScenario(join(import.meta.dirname, "../../scenarios/timeline/android-rooted-after-enrollment-noncompliant.yaml"), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary).toMatchObject({ devices: 2, enrolled: 2, ok: true });
    },
    T,
  );
});

describe("device integrity: bad input", () => {
  const context = scenarioContext(loadCatalog());
  const one = (state: string, rules = "{ rootedDevices: block }") =>
    `name: t\nserver: embedded\nembedded:\n  policy:\n    compliance:\n      policies:\n        - { name: p, platform: android, rules: ${rules} }\ngroups:\n  - name: g\n    model: pixel-8\n    count: 1\n    flow: android-qr\n    state: ${state}\n`;

  it("a misspelt bootloader state gets its location and the values", () => {
    const e = scenarioLoadError(one("{ integrity: { bootloader: unlockd } }"), "ticket.yaml", context);
    expect(e.location).toMatch(/^ticket\.yaml:13:\d+$/);
    expect(e.message).toContain("unlocked");
  });

  it("a contradiction of bootloader and verified boot is refused at load with its location", () => {
    const e = scenarioLoadError(one("{ integrity: { bootloader: locked, verifiedBoot: orange } }"), "ticket.yaml", context);
    expect(e.location).toMatch(/^ticket\.yaml:13:\d+$/);
    expect(e.message).toContain("unlocked bootloader");
    expect(scenarioLoadError(one("{ integrity: { bootloader: unlocked, verifiedBoot: green } }"), "ticket.yaml", context).message).toContain("boots orange");
  });

  it("a misspelt integrity key and warranty bit, and a wrong policy value, are refused at load", () => {
    expect(scenarioLoadError(one("{ integrity: { rootd: true } }"), "ticket.yaml", context).message).toContain("rooted");
    expect(scenarioLoadError(one("{ integrity: { knoxWarrantyBit: 1 } }"), "ticket.yaml", context).message).toContain("0x1");
    expect(scenarioLoadError(one("{}", "{ playIntegrity: device }"), "ticket.yaml", context).message).toContain("basic-and-device");
    expect(scenarioLoadError(one("{ securityPatch: 2024-01 }"), "ticket.yaml", context).message).toMatch(/securityPatch/);
  });
});
