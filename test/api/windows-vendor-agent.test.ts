// SPDX-License-Identifier: MIT
/**
 * A Windows vendor agent installed by the MDM enrolls with its own server over real loopback sockets (fleetdm/fleet#44826):
 * the failing pair's PCs end MDM-enrolled and provisioned while fleetd's osquery enroll is refused 401 node_invalid and
 * the device shows osquery's "No node key returned from TLS enroll plugin"; the fixed package's secret gets a node key;
 * a user's agent (--agents DIR) reads its secret from an MSI property the package's install command line carries.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const failure = (name: string) => join(import.meta.dirname, "../../scenarios/failures", name);
const opts = { keyPoolSize: 24, progress: false as const };
const T = 180_000;

async function traced(file: string, extra: Record<string, unknown> = {}) {
  const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-win-agent-")), "trace");
  const { summary } = await runScenario(file, { ...opts, trace: dir, ...extra });
  const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));
  return { summary, texts };
}

describe("Windows vendor agent enrollment (loopback)", () => {
  it(
    "win-vendor-agent-enroll-secret-failing: MDM enrolled, the agent package's dummy secret refused 401 node_invalid, osquery's text shown",
    async () => {
      const { summary, texts } = await traced(failure("win-vendor-agent-enroll-secret-failing.yaml"));
      expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
      expect(summary.outcomes).toEqual({ "windows.autopilot.user-driven.provisioned": 2, "windows.agent.vendor-enroll-failed": 2 });
      expect(summary.shown).toEqual([{ text: "(No node key returned from TLS enroll plugin) retrying...", code: "windows.agent.vendor-enroll-failed", devices: 2 }]);
      expect(summary.steps["windows.agent.vendor-enroll"]).toMatchObject({ count: 24, failed: 24 });
      // osquery's 12 tries per PC, each answered by the server's 401 with Fleet's words; the secret never in the trace.
      const all = texts.join("\n");
      expect(all).toMatch(/Failed enrollment request to https:\/\/127\.0\.0\.1:\d+\/api\/v1\/osquery\/enroll \(No node key returned from TLS enroll plugin\) retrying\.\.\./);
      expect(all.match(/"httpStatus":401/g)?.length).toBe(24);
      expect(all).toContain("enroll failed: no matching secret found");
      expect(all).not.toContain("dummy-secret");
    },
    T,
  );

  it(
    "win-vendor-agent-enroll-secret-fixed: the team's secret gets a node key at the first try",
    async () => {
      const { summary, texts } = await traced(failure("win-vendor-agent-enroll-secret-fixed.yaml"));
      expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
      expect(summary.outcomes).toEqual({ "windows.autopilot.user-driven.provisioned": 2 });
      const all = texts.join("\n");
      expect(all.match(/"enrolled":true/g)?.length).toBe(2);
      expect(all).not.toContain("workstations-team-secret");
    },
    T,
  );

  it(
    "a user's agent reads its secret from an MSI property on the install command line; the value stays out of the trace whatever the property is called",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "enrollsim-win-agent-dir-"));
      const agents = join(dir, "agents");
      const { mkdirSync } = await import("node:fs");
      mkdirSync(agents);
      writeFileSync(
        join(agents, "acme-agent.yaml"),
        `id: acme-agent
name: ACME agent
vendor: ACME
source: acme.example/kb/1
platforms:
  windows: { msi: AcmeAgent }
afterInstall:
  - { action: vendor-enroll, exchange: osquery-tls, secretFrom: [{ property: ACME_ENROLL }], retries: 0, retryIntervalSeconds: 60, screen: ACME log, source: acme.example/kb/2 }
`,
      );
      const scenario = (secret: string) => {
        const f = join(dir, `acme-${secret}.yaml`);
        writeFileSync(
          f,
          `name: acme-${secret}
seed: 7
server: embedded
embedded:
  policy: { vendors: { fleet: { enrollSecrets: [right] } } }
  windows: { esp: { apps: [{ name: AcmeAgent, installMinutes: 1, properties: { ACME_ENROLL: ${secret} } }] } }
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-autopilot, options: { windows: { minuteMs: 20 } } }
limits: { durationSeconds: 200 }
`,
        );
        return f;
      };
      // ACME_ENROLL has no credential-shaped name: only the agent row's secretFrom makes its value a secret. It rides in the
      // MsiInstallJob's command line (/quiet ACME_ENROLL="…") and in the agent's enroll request.
      const wrong = await traced(scenario("wrong-acme-value"), { agentsDir: agents });
      const all = wrong.texts.join("\n");
      expect(all).toContain("ACME_ENROLL=");
      expect(all).not.toContain("wrong-acme-value");
      expect(wrong.summary).toMatchObject({ devices: 1, enrolled: 1 });
      expect(wrong.summary.outcomes?.["windows.agent.vendor-enroll-failed"]).toBe(1);
      const right = await runScenario(scenario("right"), { ...opts, agentsDir: agents });
      expect(right.summary).toMatchObject({ devices: 1, enrolled: 1 });
      expect(right.summary.outcomes?.["windows.agent.vendor-enroll-failed"]).toBeUndefined();
    },
    T,
  );
});
