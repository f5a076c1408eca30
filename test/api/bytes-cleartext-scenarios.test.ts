// SPDX-License-Identifier: MIT
/**
 * Byte edits and cleartext rules end to end against the embedded server over loopback: the shipped
 * failing/fixed pairs, each asserting what the devices show, and that the fixed variant enrolls all.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import type { TranscriptEvent } from "../../src/ports/transcript.js";

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
    const sent: string[] = [];
    const transcript = {
      record: (e: TranscriptEvent) => {
        const url = e.kind === "http" ? (e.data as { request?: { url?: string } }).request?.url : undefined;
        if (url?.includes("/android/apk/")) sent.push(`${e.device} ${url}`);
      },
    };
    const { summary } = await runScenario(failures("android-qr-dpc-http-url-failing.yaml"), { ...opts, transcript });
    expect(summary.ok).toBe(true);
    expect(summary).toMatchObject({ devices: 3, enrolled: 1 });
    // Only the Android 8 device sent its download (over http); the refused ones sent nothing.
    expect(sent).toEqual([expect.stringMatching(/^samsung-galaxy-s9#\d+ http:\/\//)]);
    expect(summary.outcomes?.["android.provision.download-failed"]).toBe(2);
  }, 120_000);

  it("fixed: the https URL; every device enrolls", async () => {
    const { summary } = await runScenario(failures("android-qr-dpc-http-url-fixed.yaml"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 120_000);
});

describe("Apple's cleartext rule: ServerURL must be https, SCEP may be http", () => {
  it("failing: an http:// ServerURL is refused at install on iPhone and Mac", async () => {
    const { summary } = await runScenario(failures("apple-mdm-serverurl-http-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary).toMatchObject({ devices: 3, enrolled: 0 });
    expect(summary.outcomes?.["apple.profile.invalid-field"]).toBe(3);
  }, 120_000);

  it("fixed: https ServerURL with SCEP still over http://; every device enrolls", async () => {
    const urls: string[] = [];
    const transcript = {
      record: (e: TranscriptEvent) => {
        const url = e.kind === "http" ? (e.data as { request?: { url?: string } }).request?.url : undefined;
        if (url) urls.push(url);
      },
    };
    const { summary } = await runScenario(failures("apple-mdm-serverurl-http-fixed.yaml"), { ...opts, transcript });
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(urls.filter((u) => /^http:\/\/[^/]+\/scep\?operation=PKIOperation/.test(u)).length).toBe(3);
    expect(urls.some((u) => /^http:\/\/[^/]+\/apple\//.test(u))).toBe(false);
  }, 120_000);
});

describe("byte edits on every platform's readers (SOAP, SyncML, JSON)", () => {
  it("garbage before a SOAP answer is MENROLL_E_DEVICE_MESSAGE_FORMAT_ERROR; a UTF-8 BOM is read (XML 1.0 App. F); a DPC that cannot read its server's JSON ends the wizard", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-bytes-"));
    const file = join(dir, "readers.yaml");
    writeFileSync(
      file,
      `name: readers
server: embedded
groups:
  - { name: notice, model: windows-11-laptop, count: 1, flow: windows-byod, faults: [{ match: { step: discovery.post }, edit: { prefix: "PHP Notice: Undefined index\\n" } }] }
  - { name: bom, model: windows-11-laptop, count: 1, flow: windows-byod, faults: [{ match: { step: enroll.rst }, edit: { prefix: { hex: "EF BB BF" } } }] }
  - { name: amapi, model: pixel-8, count: 1, flow: android-qr, faults: [{ match: { url: "*/android/amapi/*" }, edit: { prefix: ")]}'\\n" } }] }
  - { name: hmdm, model: pixel-8, count: 1, flow: android-aosp, faults: [{ match: { url: "*/android/hmdm/rest/*" }, edit: { prefix: { hex: "EF BB BF" } } }] }
limits: { durationSeconds: 120 }
expect:
  outcomes:
    windows.byod.enrolled: { count: 1 }
    xml.malformed: { count: 1 }
    android.amapi.malformed: { count: 1 }
    android.headwind.malformed: { count: 1 }
  shown:
    - { text: "0x80180001", code: xml.malformed, count: 1 }
    - { text: "Can't set up device", code: android.amapi.malformed, count: 1 }
    - { text: "Can't set up device", code: android.headwind.malformed, count: 1 }
`,
    );
    const { summary } = await runScenario(file, opts);
    expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
    expect(summary.ok).toBe(true);
  }, 120_000);
});
