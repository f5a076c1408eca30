// SPDX-License-Identifier: MIT
/**
 * `fleet checkin --ca` reaches every platform's check-in (issue 12 #1): Windows devices used to
 * get a context without the run's trust and fell back to the system roots, so every check-in
 * against a test CA failed with transport.tls. Failures now carry an example message per code.
 * Real loopback: a separately started reference server stands in for the server under test.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkinFleet } from "../../src/api/fleet.js";
import { runScenario } from "../../src/api/run-scenario.js";
import { ReferenceServer } from "../../src/server/reference-server.js";

describe("fleet checkin with --ca against a URL server", () => {
  it("Windows devices check in over TLS with the given trust; without it the failure says why", async () => {
    const server = await ReferenceServer.start({ scep: { challenge: "ci-trust" } });
    try {
      const dir = mkdtempSync(join(tmpdir(), "enrollsim-checkin-trust-"));
      const file = join(dir, "s.yaml");
      const store = join(dir, "fleet.db");
      writeFileSync(
        file,
        `name: checkin-trust\nseed: 5\nserver: ${server.urls.https}\ngroups:\n  - { name: pcs, model: windows-11-laptop, count: 3, flow: windows-gpo, options: { windows: { upn: "user%INDEX%@corp.contoso.com" } } }\narrival: { concurrency: 3 }\n`,
      );
      const { summary } = await runScenario(file, { keyPoolSize: 24, progress: false, trust: [server.caPem], store });
      expect(summary).toMatchObject({ devices: 3, enrolled: 3 });

      const ok = await checkinFleet(store, { scenario: file, trust: [server.caPem] });
      expect(ok).toMatchObject({ devices: 3, ok: 3, failed: {} });

      const untrusted = await checkinFleet(store, { scenario: file });
      expect(untrusted.ok).toBe(0);
      expect(untrusted.failed).toEqual({ "transport.tls": 3 });
      expect(untrusted.examples?.["transport.tls"]).toMatch(/certificate/);

      // The scenario's faults apply to `fleet checkin` as to a run: the first OMA-DM session request of each device resets.
      const faulted = join(dir, "faulted.yaml");
      writeFileSync(faulted, `${readFileSync(file, "utf8")}faults:\n  - { match: { platform: windows, step: dm.session, nth: 1 }, reset: { when: mid-body } }\n`);
      const reset = await checkinFleet(store, { scenario: faulted, trust: [server.caPem] });
      expect(reset).toMatchObject({ devices: 3, ok: 0, failed: { "transport.reset": 3 } });
    } finally {
      await server.close();
    }
  }, 120_000);
});
