// SPDX-License-Identifier: MIT
/**
 * The named-root and trust-store pairs (scenarios/examples/): a chain issued from a named root is
 * refused by the devices whose release's store lacks it (or that never installed a private root), with
 * their platform's own error, over real loopback TLS; the fixed variant enrols every device; the
 * failing expectations do not hold for the fixed run.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { expectFixedVariantDiffers } from "../support/scenario-pair.js";

const file = (name: string) => join(import.meta.dirname, "../../scenarios/examples", name);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

const pairs = [
  {
    name: "android7-letsencrypt-root",
    code: "android.provision.download-failed",
    shown: { code: "ERROR_DOWNLOAD_FAILED" },
    cause: "javax.net.ssl.SSLHandshakeException java.security.cert.CertPathValidatorException: Trust anchor for certification path not found.",
  },
  { name: "windows-private-root", code: "transport.tls", shown: { code: "0x80180012", name: "MENROLL_E_INVALIDSSLCERT" }, cause: "0x80072F0D" },
  { name: "apple-symantec-root-distrusted", code: "transport.tls", shown: { code: "NSURLErrorDomain -1202", name: "NSURLErrorServerCertificateUntrusted" } },
] as const;

describe("named roots and per-release trust stores", () => {
  for (const p of pairs) {
    it(`${p.name}: failing shows the platform's untrusted-root error on the affected group; fixed enrols all; the failing expect rejects the fixed run`, async () => {
      const { summary } = await runScenario(file(`${p.name}-failing.yaml`), opts);
      expect((summary.expectations ?? []).filter((e) => !e.ok)).toEqual([]);
      expect(summary.ok).toBe(true);
      const shown = summary.errors[p.code]?.shown;
      expect(shown).toMatchObject(p.shown);
      if ("cause" in p) expect(`${shown?.cause?.code} ${shown?.cause?.name}`).toContain(p.cause.split(" ").at(-1));

      await expectFixedVariantDiffers(file(`${p.name}-failing.yaml`), file(`${p.name}-fixed.yaml`), opts);
    }, 240_000);
  }
});
