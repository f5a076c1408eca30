// SPDX-License-Identifier: MIT
/**
 * Byte edits and cleartext rules end to end against the embedded server over loopback: the shipped
 * failing/fixed pairs, each asserting what the devices show, and that the fixed variant enrolls all.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failures = (f: string) => join(import.meta.dirname, "../../scenarios/failures", f);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("bytes before the signed profile's CMS envelope (edit: prefix)", () => {
  it("failing: every device refuses the real, signed answer with NUL bytes before it; the Macs show InternalError1", async () => {
    const { summary } = await runScenario(failures("macos-profile-bytes-before-envelope-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary).toMatchObject({ devices: 3, enrolled: 0 });
    expect(summary.outcomes?.["apple.profile.bytes-before-content"]).toBe(3);
  }, 120_000);

  it("fixed: a clean envelope; every device enrolls", async () => {
    const { summary } = await runScenario(failures("macos-profile-bytes-before-envelope-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 120_000);
});

describe("an http:// DPC download location in the QR (Android's cleartext rule by API level)", () => {
  it("failing: the Android 14 devices refuse the cleartext download (no request reaches the server); the Android 8 device enrolls", async () => {
    const { summary } = await runScenario(failures("android-qr-dpc-http-url-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary).toMatchObject({ devices: 3, enrolled: 1 });
    expect(summary.outcomes?.["android.provision.download-failed"]).toBe(2);
  }, 120_000);

  it("fixed: the https URL; every device enrolls", async () => {
    const { summary } = await runScenario(failures("android-qr-dpc-http-url-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 120_000);
});
