// SPDX-License-Identifier: MIT
/** QR PNG round trip: a PNG written by enrollsim decodes back to the same payload. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeQrPng, formatQrInspection, inspectQrPng, isPngFile, modePayload, qrPng, writeQrPngFile } from "../../src/api/android/qr.js";
import { parseQrPayload } from "../../src/wire/android/payload.js";

const dir = mkdtempSync(join(tmpdir(), "enrollsim-qr-"));

describe("android QR PNG", () => {
  for (const mode of ["fully-managed", "dedicated", "cope", "aosp"] as const) {
    it(`${mode}: written PNG decodes back to the same payload and validates`, async () => {
      const payload = modePayload(
        mode === "aosp"
          ? { mode, component: "com.example.agent/.Admin", downloadLocation: "https://mdm.example.com/agent.apk", packageChecksum: "gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w", wifiSsid: "setup", wifiPassword: "psk-123", token: "T0KEN" }
          : { mode, token: "ABCDEFGHIJKLMNOPQRST" },
      );
      const file = join(dir, `${mode}.png`);
      const w = await writeQrPngFile(file, payload);
      expect(w.ecc).toBe("M");
      const i = inspectQrPng(file);
      expect(i).toMatchObject({ found: true, valid: true });
      const { png } = await qrPng(JSON.stringify(payload));
      const text = decodeQrPng(png)!;
      expect(JSON.parse(text)).toEqual(payload);
      expect(parseQrPayload(text).packageName).toBe(mode === "aosp" ? "com.example.agent" : "com.google.android.apps.work.clouddpc");
      expect(JSON.stringify(i)).not.toContain("psk-123");
      expect(JSON.stringify(i)).not.toContain("ABCDEFGHIJKLMNOPQRST");
      expect(formatQrInspection(i)).toContain("component:");
    });
  }
  it("an invalid payload in a QR is reported with the wizard text, not thrown", async () => {
    const { png } = await qrPng('{"android.app.extra.PROVISIONING_LOCALE":"x y"}');
    const file = join(dir, "bad.png");
    writeFileSync(file, png);
    const i = inspectQrPng(file);
    expect(i).toMatchObject({ found: true, valid: false, error: { code: "android.payload.invalid-locale" } });
  });
  it("an aosp payload without the self-hosted DPC is refused before writing", () => {
    expect(() => modePayload({ mode: "aosp", token: "x" })).toThrow(/needs the self-hosted DPC/);
    expect(isPngFile(join(dir, "fully-managed.png"))).toBe(true);
    expect(isPngFile(join(import.meta.dirname, "android-qr.test.ts"))).toBe(false);
  });
  it("a PNG without a QR code and a non-PNG are typed results", () => {
    const f = join(dir, "junk.png");
    writeFileSync(f, "not a png");
    expect(inspectQrPng(f)).toMatchObject({ found: false, valid: false, error: { code: "android.payload.invalid-parameter" } });
  });
});
