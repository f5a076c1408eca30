// SPDX-License-Identifier: MIT
/**
 * The worked examples of docs/reproducing-failures.md: each is a scenario pair under
 * scenarios/examples/ written with the scenario vocabulary alone. The failing variant must fail the
 * affected devices with what the real platform shows (code and text, from the shown tables), the
 * fixed variant must enrol every device, and the failing variant's expectations must not hold for
 * the fixed run (so the pair cannot pass by accident).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/examples", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

const examples = [
  {
    name: "windows-tls-inspection",
    failedCode: "transport.tls",
    enrolledCode: "windows.byod.enrolled",
    shown: { code: "0x80180012", name: "MENROLL_E_INVALIDSSLCERT", text: "There was a certificate error. Contact your support person." },
    cause: "0x80072F0D",
  },
  {
    name: "apple-ade-tls-inspection",
    failedCode: "transport.tls",
    enrolledCode: "apple.ade.enrolled",
    shown: { code: "NSURLErrorDomain -1202", name: "NSURLErrorServerCertificateUntrusted" },
    textStart: "The certificate for this server is invalid.",
  },
  {
    // second blind trial, ticket 03 reworded: the ESP's Certificates row with the SCEP profile's ErrorCode
    name: "windows-esp-scep-gateway-timeout",
    failedCode: "windows.esp.certificate-failed",
    enrolledCode: "windows.autopilot.user-driven.provisioned",
    shown: { code: "0x801901F8", screen: "Enrollment Status Page (DeviceSetup)" },
    textStart: "Certificates (0 of 1 installed, 1 failed): error 0x801901F8",
  },
  {
    name: "android-tls-inspection",
    // DownloadManager fails the download on a transport error: a protocol outcome, not transport.tls.
    failedCode: "android.provision.download-failed",
    enrolledCode: "android.enrolled",
    shown: { code: "ERROR_DOWNLOAD_FAILED", text: "Can't set up device. Couldn't download the admin app" },
  },
] as const;

describe("worked examples (docs/reproducing-failures.md)", () => {
  for (const ex of examples) {
    it(`${ex.name}: the failing variant shows the platform's code and text on the affected group only`, async () => {
      const { summary } = await runScenario(file(`${ex.name}-failing.yaml`), opts);
      expect(summary).toMatchObject({ devices: 5, enrolled: 2, ok: true });
      expect(summary.outcomes).toEqual({ [ex.failedCode]: 3, [ex.enrolledCode]: 2 });
      const shown = summary.errors[ex.failedCode]!.shown!;
      expect(shown).toMatchObject(ex.shown);
      if ("cause" in ex) expect(shown.cause?.code).toBe(ex.cause);
      if ("textStart" in ex) expect(shown.text.startsWith(ex.textStart)).toBe(true);
    }, 120_000);

    it(`${ex.name}: the fixed variant enrols every device, and the failing variant's expectations reject it`, async () => {
      const { summary } = await runScenario(file(`${ex.name}-fixed.yaml`), opts);
      expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true, outcomes: { [ex.enrolledCode]: 5 } });
      // The failing variant without its fault entry is the fixed network: its own expectations fail.
      const failing = await loadScenario(file(`${ex.name}-failing.yaml`));
      const { summary: noFault } = await runScenario({ ...failing, faults: [] }, opts);
      expect(noFault.enrolled).toBe(5);
      expect(noFault.ok).toBe(false);
    }, 120_000);
  }
});
