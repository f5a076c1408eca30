// SPDX-License-Identifier: MIT
/**
 * Contract: a real transport failure over loopback (a server certificate the device does not trust,
 * a closed port) ends a real flow, and the failure record, the JSON summary and the transcript say
 * what the platform shows: the Windows MENROLL_E HRESULT with its WinHTTP cause, the Apple
 * NSURLErrorDomain code, the Android ManagedProvisioning constant.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { ReferenceServer } from "../../src/server/reference-server.js";
import { formatTranscript } from "../../src/report/trace.js";

const T = 120_000;
const dir = mkdtempSync(join(tmpdir(), "enrollsim-shown-"));
let server: ReferenceServer;
let closedPort: number;

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function run(name: string, yaml: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const trace = join(dir, `${name}-trace`);
  const { summary } = await runScenario(file, { keyPoolSize: 4, progress: false, trace });
  const events = readdirSync(trace).flatMap((f) => readFileSync(join(trace, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)));
  const transcript = formatTranscript(events);
  return { summary, transcript };
}

beforeAll(async () => {
  server = await ReferenceServer.start({ host: "127.0.0.1" });
  closedPort = await freePort();
}, T);
afterAll(async () => server?.close());

describe("what the device shows for a real transport failure", () => {
  it("Windows: the enrollment server's certificate is not trusted → MENROLL_E_INVALIDSSLCERT 0x80180012, cause 0x80072F0D", async () => {
    const https = server.httpsUrl;
    const { summary, transcript } = await run(
      "win-untrusted",
      `name: win-untrusted\nserver: ${https}\ngroups:\n  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod, options: { windows: { discoveryUrl: "${https}/EnrollmentServer/Discovery.svc" } } }\n`,
    );
    expect(summary.failed).toBe(1);
    const [code, e] = Object.entries(summary.errors)[0]!;
    expect(code).toBe("transport.tls");
    expect(e.shown).toMatchObject({ code: "0x80180012", name: "MENROLL_E_INVALIDSSLCERT", cause: { code: "0x80072F0D", name: "ERROR_WINHTTP_SECURE_INVALID_CA" }, screen: "Settings › Accounts › Access work or school" });
    expect(e.shown!.text).toBe("There was a certificate error. Contact your support person.");
    expect(transcript).toContain('the device shows: 0x80180012 MENROLL_E_INVALIDSSLCERT (cause 0x80072F0D ERROR_WINHTTP_SECURE_INVALID_CA): "There was a certificate error.');
  }, T);

  it("Windows: an injected untrusted-certificate fault shows exactly what the real one shows", async () => {
    const { summary } = await run(
      "win-injected-untrusted",
      `name: win-injected-untrusted\nserver: embedded\ngroups:\n  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod }\nfaults:\n  - { match: { step: "discovery.*" }, tls: untrusted }\n`,
    );
    expect(summary.errors["transport.tls"]!.shown).toMatchObject({ code: "0x80180012", name: "MENROLL_E_INVALIDSSLCERT", cause: { code: "0x80072F0D", name: "ERROR_WINHTTP_SECURE_INVALID_CA" } });
  }, T);

  it("Android: an AMAPI error status outside google.rpc.Code is reported unknown with the raw value", async () => {
    const { summary, transcript } = await run(
      "android-amapi-unknown",
      `name: android-amapi-unknown\nserver: embedded\ngroups:\n  - { name: phones, model: pixel-8, count: 1, flow: android-qr }\nfaults:\n  - { match: { step: android.amapi.redeem }, amapiError: { code: 403, message: "quota gone", status: QUOTA_GONE } }\nexpect: { successRatio: 0 }\n`,
    );
    const [, e] = Object.entries(summary.errors)[0]!;
    expect(e.shown).toMatchObject({ code: "QUOTA_GONE", unknown: { raw: "QUOTA_GONE" }, text: "Can't set up device. Contact your IT admin for help." });
    expect(transcript).toContain('unknown server code "QUOTA_GONE"');
  }, T);

  it("Apple ADE: a 403 code that is not Apple's (Intune's DeviceTypeNotSupported for a blocked platform) leaves Setup Assistant with 'Invalid Profile'; the raw code stays unknown, and expect.shown matches the printed text", async () => {
    const { summary, transcript } = await run(
      "ade-platform-blocked",
      `name: ade-platform-blocked\nserver: embedded\nembedded:\n  policy: { restrictions: { platform: { ios: { allowed: false } } } }\ngroups:\n  - { name: phones, model: iphone-15, count: 1, flow: ios-ade }\n  - { name: macs, model: macbook-air-m3, count: 1, flow: macos-ade }\nexpect:\n  shown:\n    - { text: "could not be downloaded", count: 1 }\n    - { text: "Invalid Profile", code: apple.ade.refused.DeviceTypeNotSupported, count: 1 }\n    - { text: 'unknown server code "DeviceTypeNotSupported"', count: 1 }\n`,
    );
    expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1, ok: true });
    const e = summary.errors["apple.ade.refused.DeviceTypeNotSupported"]!;
    // The body's message belongs to a schema Setup Assistant cannot read: not shown, but reported as what the server said.
    expect(e.shown).toEqual({ text: "The configuration for your iPhone could not be downloaded from enrollsim reference: Invalid Profile", screen: "Setup Assistant › Remote Management", unknown: { raw: "DeviceTypeNotSupported" }, serverSaid: expect.any(String) });
    expect(transcript).toContain('(unknown server code "DeviceTypeNotSupported"): "The configuration for your iPhone could not be downloaded');
    expect(transcript).toContain(`the server said: "${e.shown!.serverSaid}"`);
  }, T);

  it("Apple: the profile URL's port is closed → NSURLErrorDomain -1004 Could not connect to the server.", async () => {
    const { summary, transcript } = await run(
      "ios-refused",
      `name: ios-refused\nserver: https://127.0.0.1:${closedPort}\ninsecure: true\ngroups:\n  - { name: phones, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { profileUrl: "https://127.0.0.1:${closedPort}/apple/enroll" } } }\n`,
    );
    expect(summary.failed).toBe(1);
    const e = summary.errors["transport.refused"]!;
    expect(e.shown).toMatchObject({ code: "NSURLErrorDomain -1004", name: "NSURLErrorCannotConnectToHost", text: "Could not connect to the server." });
    // The user downloads the profile in Safari: a refused connection leaves Safari's page (no profile reached Settings).
    expect(e.shown!.screen).toMatch(/^Safari, its page for a failed load/);
    expect(transcript).toContain('the device shows: NSURLErrorDomain -1004 NSURLErrorCannotConnectToHost: "Could not connect to the server."');
  }, T);

  it("Android: the DPC download location's port is closed → DownloadPackageTask.ERROR_DOWNLOAD_FAILED, Can't set up device", async () => {
    const payload = JSON.stringify({
      "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.agent/.Admin",
      "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": `https://127.0.0.1:${closedPort}/agent.apk`,
      "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM": "gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w",
    });
    const { summary, transcript } = await run(
      "android-refused",
      `name: android-refused\nserver: https://127.0.0.1:${closedPort}\ninsecure: true\ngroups:\n  - { name: phones, model: pixel-8, count: 1, flow: android-qr, options: { android: { payload: ${JSON.stringify(payload)} } } }\n`,
    );
    expect(summary.failed).toBe(1);
    // A refused connection is DownloadManager failing the download, not a transport failure of the run (issue 12 #15).
    expect(summary.errors["transport.refused"]).toBeUndefined();
    const e = summary.errors["android.provision.download-failed"]!;
    expect(e.step).toBe("android.provision.download");
    expect(e.shown).toMatchObject({ code: "ERROR_DOWNLOAD_FAILED", name: "DownloadPackageTask.ERROR_DOWNLOAD_FAILED (0)", text: "Can't set up device. Couldn't download the admin app" });
    // ManagedProvisioning's DeviceOwnerProvisioningController maps ERROR_DOWNLOAD_FAILED to error_download_failed under the
    // cant_set_up_device title (devices/android-setup-texts/aosp-34.yaml, checked at AOSP android-14.0.0_r1).
    expect(e.shown!.screen).toContain("error dialog as on Android 14, API 34");
    expect(transcript).toContain("the device shows: ERROR_DOWNLOAD_FAILED DownloadPackageTask.ERROR_DOWNLOAD_FAILED (0)");
  }, T);
});
