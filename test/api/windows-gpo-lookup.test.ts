// SPDX-License-Identifier: MIT
/**
 * The GPO auto-enroll task's user lookup (step gpo.mdm-lookup) against the embedded server over loopback: the
 * directory's answer decides whether the task has an MDM to enroll with, and the URL it hands over is where discovery
 * goes (src/device/windows/gpo-lookup.ts, src/server/windows/mdm-lookup.ts).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 8, progress: false as const };

function scenarioFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-gpo-lookup-")), "s.yaml");
  writeFileSync(file, text);
  return file;
}

const gpo = (extra: string) => `name: gpo-lookup
seed: 7
server: embedded
groups:
  - { name: pcs, model: windows-10-desktop, count: 2, flow: windows-gpo, options: { windows: { upn: "user%INDEX%@contoso.example.com" } } }
${extra}`;

describe("the GPO task's user lookup", () => {
  it("a PC hybrid joined before the run looks its user up on every run, then discovers at the URL the directory handed over", async () => {
    const trace = join(mkdtempSync(join(tmpdir(), "enrollsim-gpo-lookup-")), "trace");
    const { summary } = await runScenario(scenarioFile(gpo("")), { ...opts, trace });
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
    const lines = readFileSync(join(trace, readdirSync(trace)[0]!), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; step: string; data: Record<string, unknown> });
    const found = lines.find((l) => l.kind === "decoded" && l.step === "gpo.mdm-lookup")!.data as { status: string; discoveryUrl: string };
    expect(found).toMatchObject({ status: "found" });
    expect(found.discoveryUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/EnrollmentServer\/Discovery\.svc$/);
    expect(JSON.stringify(lines.filter((l) => l.step === "discovery.post"))).toContain(found.discoveryUrl);
    expect(summary.steps["gpo.mdm-lookup"]!.count).toBe(2);
    expect(summary.steps["join.register"]).toBeUndefined();
  }, 120_000);

  it("an answer that says MDM but carries no MDM enrollment URL is Event 76 0x8018002b, before any enrollment request", async () => {
    const faults = `faults:
  - name: the MDM application's discovery URL left empty
    match: { platform: windows, step: gpo.mdm-lookup }
    edit: { remove: discoveryUrl }
`;
    const { summary } = await runScenario(scenarioFile(gpo(faults)), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 0, failed: 2 });
    const e = summary.errors["windows.gpo.mdm-not-configured"]!;
    expect(e).toMatchObject({ count: 2, step: "gpo.mdm-lookup" });
    expect(e.example).toContain("the directory's answer carries no MDM enrollment URL");
    expect(e.shown).toMatchObject({ code: "0x8018002B", text: "Auto MDM Enroll: User Credential (0x0), Failed (Unknown Win32 Error code: 0x8018002b)" });
    expect(summary.steps["discovery.post"]).toBeUndefined();
  }, 120_000);

  it("a broken directory answer (cut in the middle, or not JSON) ends each PC with a typed error naming the step, not an enrollment", async () => {
    for (const [action, code] of [
      ["truncate: { ratio: 0.5 }", "protocol.mdm-lookup.bad-json"],
      ["contentType: { value: text/html }", "protocol.mdm-lookup.content-type"],
    ] as const) {
      const faults = `faults:
  - name: a broken directory answer
    match: { platform: windows, step: gpo.mdm-lookup }
    ${action}
`;
      const { summary } = await runScenario(scenarioFile(gpo(faults)), opts);
      expect(summary, action).toMatchObject({ devices: 2, enrolled: 0, failed: 2 });
      const [name, e] = Object.entries(summary.errors)[0]!;
      expect(name, action).toContain(code.split(".").slice(1).join("."));
      expect(e, action).toMatchObject({ count: 2, step: "gpo.mdm-lookup" });
      expect(summary.steps["discovery.post"], action).toBeUndefined();
    }
  }, 180_000);

  it("a user outside an MDM scope of groups gets the URL and is refused by the enrollment service (0x80180003), not by the lookup", async () => {
    const policy = `embedded:
  policy:
    directory: { users: [{ upn: user0@contoso.example.com, groups: [pcs] }, { upn: user1@contoso.example.com }] }
    userScope: { mdm: { groups: [pcs] } }
`;
    const { summary } = await runScenario(scenarioFile(gpo(policy)), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1 });
    expect(summary.errors["windows.fault.Authorization"]).toMatchObject({ count: 1, step: "enroll.rst" });
    expect(summary.steps["gpo.mdm-lookup"]!.count).toBe(2);
  }, 120_000);
});
