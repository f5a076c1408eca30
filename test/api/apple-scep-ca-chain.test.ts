// SPDX-License-Identifier: MIT
/**
 * apple-scep-ca-chain-no-ra over real loopback (NeySlim/ultimate-ca-manager#101): a CA issuing from an intermediate
 * serves its CA chain with no RA. The macOS 14 Macs and iOS 17 iPhones (devices/scep-clients/getcacert.yaml rows:
 * the newer SecSCEP) refuse it at profile.scep with -67731 before any PKIOperation; the macOS 11 Mac (no row, the 2021
 * rule) encrypts to the issuing CA and enrols. The fixed variant serves the issuing CA alone (PR #102); a real RA under
 * the intermediate fixes it too.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { expectFixedVariantDiffers } from "../support/scenario-pair.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };

describe("an intermediate-issuing SCEP CA serving its chain without an RA", () => {
  it("apple-scep-ca-chain-no-ra: macOS 14 and iOS 17 refuse at GetCACert with -67731, macOS 11 enrols; the fixed variant differs", async () => {
    const { summary } = await runScenario(file("apple-scep-ca-chain-no-ra-failing"), opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    const e = summary.errors["apple.scep.ra-invalid"];
    expect(e?.step).toBe("profile.scep");
    expect(e?.count).toBe(4);
    expect(e?.shown?.text).toBe("The Registration Authority's response is invalid.");
    expect(e?.example).toMatch(/NSOSStatusErrorDomain -67731: The key usage is incorrect\./);
    expect(e?.example).toMatch(/SCEP failed to find candidate RA certificates/);
    expect(e?.example).toMatch(/not published/);
    await expectFixedVariantDiffers(file("apple-scep-ca-chain-no-ra-failing"), file("apple-scep-ca-chain-no-ra-fixed"), opts);
  }, 240_000);

  it("a real RA under the intermediate fixes it too: every device enrols", async () => {
    const text = `name: chain-with-ra
server: embedded
embedded:
  scep:
    chain: { intermediates: 1 }
    ra: true
groups:
  - { name: macs, model: macbook-air-m3, count: 1, flow: macos-profile, state: { os: { version: "14.6.1", build: 23G93 } } }
  - { name: iphones, model: iphone-15, count: 1, flow: ios-profile, state: { os: { version: "17.6.1", build: 21G93 } } }
expect:
  outcomes:
    apple.enrolled: { count: 2 }
`;
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-chain-ra-"));
    const path = join(dir, "chain-with-ra.yaml");
    writeFileSync(path, text);
    const { summary } = await runScenario(path, opts).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect((summary.expectations ?? []).filter((x) => !x.ok)).toEqual([]);
    expect(summary.enrolled).toBe(2);
  }, 240_000);
});
