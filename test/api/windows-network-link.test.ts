// SPDX-License-Identifier: MIT
/**
 * The PC's network link in OOBE (device state networkLink; src/device/windows/network-link.ts), over loopback against
 * the embedded reference server: pre-provisioning needs Ethernet; on Wi-Fi a person must pass the region / keyboard /
 * Wi-Fi pages (step oobe.network) first, so an unattended kiosk waits there (timeline idle, on the scenario clock) or
 * is left (abandon); on Ethernet the step never runs.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const };
const failures = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const T = 120_000;

function temp(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "network-link-")), "s.yaml");
  writeFileSync(file, lines.join("\n"));
  return file;
}

describe("OOBE network link: Ethernet or Wi-Fi", () => {
  it(
    "pre-provisioning on Wi-Fi is refused at oobe.network with the requirement (the screen is not published); docked and self-deploying PCs provision",
    async () => {
      const { summary } = await runScenario(failures("win-preprovision-wifi-failing"), opts);
      expect(summary).toMatchObject({ devices: 4, enrolled: 2, failed: 2, ok: true });
      const refused = summary.errors["windows.autopilot.wired-connection-required"]!;
      expect(refused).toMatchObject({ count: 2, step: "oobe.network" });
      expect(refused.shown!.text).toMatch(/^\(not published: the screen Windows shows\) Pre-provisioning requires a wired \(Ethernet\) connection/);
      expect(refused.shown!.code).toBeUndefined();
      const fixed = await runScenario(failures("win-preprovision-wifi-fixed"), opts);
      expect(fixed.summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0, ok: true });
    },
    2 * T,
  );
  it(
    "an unattended self-deploying kiosk on Wi-Fi: abandoned at oobe.network ends user.abandoned; one that waits two hours (idle, skipped on the scenario clock) then provisions; the wired kiosk never meets the step",
    async () => {
      const file = temp([
        "name: kiosk-wifi-unattended",
        "seed: 31",
        "server: embedded",
        "groups:",
        "  - { name: wifi, model: windows-11-laptop, count: 2, flow: windows-autopilot, state: { networkLink: wifi }, options: { windows: { minuteMs: 20, autopilot: { mode: self-deploying } } } }",
        "  - { name: wired, model: windows-11-laptop, count: 1, flow: windows-autopilot, options: { windows: { minuteMs: 20, autopilot: { mode: self-deploying } } } }",
        "arrival: { concurrency: 3 }",
        "timeline:",
        "  - { at: 0s, devices: [0], abandon: { step: oobe.network } }",
        "  - { at: 0s, devices: [1], idle: { for: 2h, step: oobe.network } }",
        "  - { at: 1s, skip: 3h }",
        "limits: { durationSeconds: 14400 }",
        "expect:",
        "  outcomes:",
        "    user.abandoned: { count: 1 }",
        "    windows.autopilot.self-deploying.provisioned: { count: 2 }",
        "  steps:",
        "    oobe.network: { count: 2, failed: 1 }",
      ]);
      const { summary } = await runScenario(file, opts);
      expect(summary).toMatchObject({ devices: 3, enrolled: 2, failed: 1, ok: true });
      expect(summary.errors["user.abandoned"]).toMatchObject({ count: 1, step: "oobe.network" });
    },
    T,
  );
  it(
    "a bad link value is a scenario error with file:line:column and a did-you-mean",
    async () => {
      const file = temp(["name: bad-link", "server: embedded", "groups:", "  - { name: g, model: windows-11-laptop, count: 1, flow: windows-autopilot, state: { networkLink: wifii } }"]);
      const err = await runScenario(file, opts).catch((e: unknown) => e);
      expect(String((err as Error).message)).toMatch(/s\.yaml:4:\d+/);
      expect(String((err as Error).message)).toMatch(/wifi/);
    },
    T,
  );
});
