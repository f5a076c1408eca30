// SPDX-License-Identifier: MIT
/**
 * Issue 12 #5: an MSI job downloads its ContentURL over the device's HTTP client and checks the
 * FileHash before installing; a 404 or a wrong hash ends the job with Status 30 and the HRESULT
 * Windows reports, and the ESP shows the app as failed.
 */
import { describe, expect, it } from "vitest";
import { windowsHarness } from "./harness.js";

const APPS = { esp: { apps: [{ name: "Contoso Agent", installMinutes: 2 }] } };

async function autopilot(wrap: Parameters<typeof windowsHarness>[1]) {
  const h = await windowsHarness(APPS, wrap);
  try {
    return await h.run("windows-autopilot", { windows: { minuteMs: 60_000 } }, 0);
  } finally {
    await h.close();
  }
}

const downloads = (events: { kind: string; step?: string; data?: unknown }[]) => events.filter((e) => e.kind === "http" && e.step === "esp.msi.download");

describe("MSI content download and hash (issue 12 #5)", () => {
  it("downloads the content from the reference server and installs when the hash matches", async () => {
    const { result, events } = await autopilot(undefined);
    expect(result.message).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(downloads(events)).toHaveLength(1);
  });

  it("a ContentURL that answers 404 fails the job with Status 30 / 0x80190194 and the ESP app fails", async () => {
    const { result, events } = await autopilot(
      (inner) => async (req) => (new URL(req.url).pathname.startsWith("/windows/content/") ? { status: 404, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("gone"), url: req.url } : inner(req)),
    );
    expect(downloads(events)).toHaveLength(1);
    expect(result).toMatchObject({ ok: false, code: "windows.esp.app-failed" });
    expect(result.message).toContain("0x80190194");
    // The ESP's Apps row carries the job's LastError (an HRESULT as it is); the app's name stays in the message.
    expect(result.shown).toMatchObject({ code: "0x80190194", screen: "Enrollment Status Page (DeviceSetup)" });
    expect(result.shown!.text).toMatch(/^Apps \(.*\): error 0x80190194 \(the page's exact wording is not published\)$/);
  });

  it("the code the ESP's Apps row shows: an HRESULT as it is, an installer's exit code as HRESULT_FROM_WIN32", async () => {
    const { espErrorCode } = await import("../../../src/device/windows/esp.js");
    expect(espErrorCode("1")).toBe("0x80070001"); // halfoncloud.com's capture: a Win32 app that exited 1
    expect(espErrorCode("1603")).toBe("0x80070643");
    expect(espErrorCode("0x80190194")).toBe("0x80190194");
    expect(espErrorCode("0")).toBeUndefined();
    expect(espErrorCode(undefined)).toBeUndefined();
  });

  it("content whose SHA-256 differs from FileHash fails with CRYPT_E_HASH_VALUE 0x80091007", async () => {
    const { result } = await autopilot((inner) => async (req) => {
      const res = await inner(req);
      return new URL(req.url).pathname.startsWith("/windows/content/") ? { ...res, body: new TextEncoder().encode("tampered package") } : res;
    });
    expect(result).toMatchObject({ ok: false, code: "windows.esp.app-failed" });
    expect(result.message).toContain("0x80091007");
  });
});

describe("MSI content size (interop with AzureBabyMDM, 2026-12-06)", () => {
  it("a package larger than the 1 MiB protocol-response limit downloads and its hash is checked", async () => {
    const { msiContentFetcher } = await import("../../../src/device/windows/msi-content.js");
    const { InMemoryHttp } = await import("../../../src/platform/virtual/http.js");
    const { VirtualClock } = await import("../../../src/platform/virtual/clock.js");
    const { crypto } = await import("../../support/scep-harness.js");
    const clock = new VirtualClock(0);
    const body = new Uint8Array(1_748_480).fill(7);
    const http = new InMemoryHttp({ clock, handler: { "https://c.test": async (req) => ({ status: 200, headers: {}, body, url: req.url }) } });
    const ctx = { device: "d", clock, crypto, http: http.client(), transcript: { record: () => {} }, log: (await import("../../../src/ports/index.js")).silentLogger, timeoutMs: 30_000, maxResponseBytes: 1 << 20 } as never;
    const hash = Buffer.from(crypto.digest("sha256", body)).toString("hex");
    await expect(msiContentFetcher(ctx)("https://c.test/7z.msi", hash.toUpperCase())).resolves.toEqual({ ok: true, bytes: body.length });
    await expect(msiContentFetcher(ctx)("https://c.test/7z.msi", "00")).resolves.toMatchObject({ ok: false, lastError: "0x80091007" });
  });
});
