// SPDX-License-Identifier: MIT
/**
 * The server-certificate and device-clock pairs (scenarios/examples/, blind-trial tickets rewritten
 * with `embedded.tls` and `state.clockOffset`): the failing variant holds its own expectations (the
 * platform's code and text on the affected group only), the fixed variant enrols every device, and
 * the failing expectations do not hold for the fixed run.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { expectFixedVariantDiffers } from "../support/scenario-pair.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/examples", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

const pairs = [
  { name: "ios13-scep-server-cert-825-days", code: "apple.scep.invalid-response", shown: { code: "MCInstallationErrorDomain 4001" } },
  { name: "apple-mdm-server-cert-expired", code: "transport.tls", shown: { code: "NSURLErrorDomain -1201", name: "NSURLErrorServerCertificateHasBadDate" } },
  { name: "android10-sha1-ca-chain", code: "android.provision.download-failed", shown: { code: "ERROR_DOWNLOAD_FAILED" }, cause: "java.security.cert.CertificateException: Signature uses an insecure hash function: 1.2.840.113549.1.1.5" },
  { name: "win-autopilot-clock-behind", code: "transport.tls", shown: { code: "0x80072F05", name: "ERROR_WINHTTP_SECURE_CERT_DATE_INVALID" } },
] as const;

describe("server certificate and device clock pairs", () => {
  for (const p of pairs) {
    it(`${p.name}: failing shows the platform's code on the affected group; fixed enrols all; the failing expect rejects the fixed run`, async () => {
      const { summary } = await runScenario(file(`${p.name}-failing.yaml`), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary.ok).toBe(true);
      const shown = summary.errors[p.code]?.shown;
      expect(shown).toMatchObject(p.shown);
      if ("cause" in p) expect(shown?.cause?.name).toBe(p.cause);

      await expectFixedVariantDiffers(file(`${p.name}-failing.yaml`), file(`${p.name}-fixed.yaml`), opts);
    }, 240_000);
  }
});
