// SPDX-License-Identifier: MIT
/**
 * Shipped scenarios of the ESP certificate profiles, the Windows remote wipe and the two server
 * behaviours of `syncmlQuirks` (each used by two different failures), run end to end over loopback
 * against the embedded server; each failing scenario is also run with its cause removed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";

const root = join(import.meta.dirname, "../../scenarios");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const dir = mkdtempSync(join(tmpdir(), "enrollsim-win-esp-"));
/** A scenario written to a temporary file (a variant of a shipped one). */
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe("syncmlQuirks: two failures each", () => {
  it("win-server-session-left-open: one dropped connection costs the next PC its enrollment", async () => {
    const { summary } = await runScenario(join(root, "failures/win-server-session-left-open.yaml"), opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, ok: true });
    expect(summary.errors["syncml.wrong-target"]!.example).toContain("not to this device");
  }, 120_000);

  it("win-server-session-left-open with a server that keys sessions per device: only the PC with the bad connection fails", async () => {
    const s = await loadScenario(join(root, "failures/win-server-session-left-open.yaml"));
    const { summary } = await runScenario({ ...s, server: { ...s.server, platforms: { windows: {} } } as typeof s.server, expect: {} }, opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 3, failed: 1 });
    expect(summary.outcomes["transport.reset"]).toBe(1);
  }, 120_000);

  it("win-preprov-requires-signed-in-user: the technician phase times out, user-driven PCs finish", async () => {
    const { summary } = await runScenario(join(root, "failures/win-preprov-requires-signed-in-user.yaml"), opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 2, ok: true });
    // TimeOutUntilSyncFailure: the device default, 60 minutes (the run is on real time, minuteMs 20: under load the
    // phase ends a few scenario minutes late, so the figure is asserted as a floor)
    const example = summary.errors["windows.esp.timeout"]!.example;
    expect(Number(/DeviceSetup failed after (\d+) min/.exec(example)?.[1])).toBeGreaterThanOrEqual(60);
    expect(example).toContain("Installation of apps and policies took longer than expected.");
  }, 120_000);

  it("win-preprov-requires-signed-in-user without the quirk: technicians reseal, users sign in, every PC provisions", async () => {
    const s = await loadScenario(join(root, "failures/win-preprov-requires-signed-in-user.yaml"));
    const { summary } = await runScenario({ ...s, server: { ...s.server, platforms: { windows: {} } } as typeof s.server, expect: {} }, opts);
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, failed: 0 });
  }, 120_000);
});

describe("Windows remote wipe (timeline wipe)", () => {
  it("win-remote-wipe-fails: the PC answering doWipe with 500 stays enrolled and keeps checking in", async () => {
    const { summary } = await runScenario(join(root, "failures/win-remote-wipe-fails.yaml"), opts);
    expect(summary.ok).toBe(true);
  }, 120_000);

  it("win-remote-wipe-fails without the cspStatus rule: all three PCs reset and go silent", async () => {
    const text = readFileSync(join(root, "failures/win-remote-wipe-fails.yaml"), "utf8")
      .replace(/^ {4}state: \{ cspStatus: .*\n/m, "")
      .replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1\n  checkins: { total: 3 }\n  server: { records: { count: 0 } }\n");
    expect(text).not.toMatch(/^ +state:/m);
    const { summary } = await runScenario(file("fixed.yaml", text), opts);
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
  }, 120_000);
});

describe("Windows wipe options per build", () => {
  it("win-wipe-protected-old-build: doWipeProtected resets the Windows 11 PCs, is 404 on 1607; doWipePersistUserData keeps the enrollment", async () => {
    const { summary } = await runScenario(join(root, "failures/win-wipe-protected-old-build.yaml"), opts);
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
    expect(summary.ok).toBe(true);
  }, 120_000);
});

describe("ESP certificate profiles across a restart", () => {
  it("a PC that loses power while it sends the SCEP request enrols the profile again after the boot and finishes ESP", async () => {
    const text = `
name: scep-reboot
seed: 205
server: embedded
embedded:
  windows:
    esp:
      timeoutMinutes: 60
      apps: []
      scepCerts: [{ id: WifiCert, subject: "CN=wifi,O=contoso" }]
groups:
  - { name: pcs, model: windows-11-laptop, count: 2, flow: windows-autopilot, options: { windows: { minuteMs: 20 } } }
arrival: { concurrency: 2 }
limits: { durationSeconds: 120 }
timeline:
  - { at: 0s, devices: [0], reboot: { step: scep.pkioperation, bootTime: 40ms } }
expect:
  successRatio: 1
`;
    const { summary } = await runScenario(file("scep-reboot.yaml", text), opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0 });
    // the rebooted PC starts its SCEP enrollment again after the boot (the cut request is no sample):
    // GetCACaps three times in all, one request per PC
    expect(summary.steps["scep.getcacaps"]!.count).toBe(3);
    expect(summary.steps["scep.pkioperation"]!.count).toBe(2);
  }, 120_000);
});

describe("the second blind trial's ticket 03, as its author wrote it", () => {
  it("NDES behind an app proxy answering 503: the remote PCs' ESP shows the Certificates row with 0x801901F7", async () => {
    const text = `
name: t2-03
seed: 203
server: embedded
embedded:
  windows:
    esp:
      timeoutMinutes: 20
      scepCerts: [{ id: WifiCert, subject: "CN=wifi,O=contoso" }]
groups:
  - name: remote
    model: windows-11-laptop
    count: 2
    flow: windows-autopilot
    options: { windows: { minuteMs: 20 } }
    faults:
      - { name: ndes-app-proxy-down, match: { url: "*/scep*" }, status: { code: 503 } }
  - name: office
    model: windows-11-laptop
    count: 1
    flow: windows-autopilot
    options: { windows: { minuteMs: 20 } }
arrival: { concurrency: 3 }
limits: { durationSeconds: 120 }
expect:
  outcomes: { windows.autopilot.user-driven.provisioned: { count: 1 } }
  shown: [{ text: "Certificates", count: 2 }]
`;
    const { summary } = await runScenario(file("t2-03.yaml", text), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes["windows.esp.certificate-failed"]).toBe(2);
    expect(summary.errors["windows.esp.certificate-failed"]!.shown).toMatchObject({ code: "0x801901F7" });
  }, 120_000);
});
