// SPDX-License-Identifier: MIT
/**
 * Setup Assistant's network pane over loopback against the embedded server (the shipped pair): Monterey Macs set up
 * offline never reach the server; a Ventura Mac cannot go on offline; joining a network, all three enroll through ADE.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 8, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);

describe("mac-ade-offline-setup-skips-enrollment (loopback, embedded server)", () => {
  it("offline before macOS 13: unmanaged, no ADE request; 13+: stays at the pane; online: every Mac enrolls", async () => {
    const failing = (await runScenario(file("mac-ade-offline-setup-skips-enrollment-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 0 });
    expect(failing.outcomes).toEqual({ "apple.ade.skipped-offline": 2, "apple.setup.network-required": 1 });
    expect(failing.groups["monterey-offline"]).toMatchObject({ failed: 2 });
    // No device asked for its cloud configuration or reached the enrollment URL.
    expect(failing.steps["ade.cloudconfig"]).toBeUndefined();
    expect(failing.steps["ade.enroll"]).toBeUndefined();
    const fixed = (await runScenario(file("mac-ade-offline-setup-skips-enrollment-fixed"), opts)).summary;
    // The Monterey Mac set up offline enrolls later from its running macOS (timeline renewEnrollment): one ade.renew.
    expect(fixed).toMatchObject({ ok: true, devices: 4, enrolled: 4 });
    expect(fixed.steps["ade.enroll"]).toMatchObject({ count: 4 });
    expect(fixed.steps["ade.renew"]).toMatchObject({ count: 1, failed: 0 });
    expect(fixed.steps["ade.setup-network"]).toMatchObject({ count: 4, failed: 1 });
  }, 180_000);
});

describe("timeline at the network pane (step ade.setup-network)", () => {
  const inline = (yaml: string) => {
    const p = join(mkdtempSync(join(tmpdir(), "enrollsim-network-")), "s.yaml");
    writeFileSync(p, yaml);
    return p;
  };
  it("abandon there ends the Mac before any request; a step name not in the registry is refused at load with did-you-mean", async () => {
    const { summary } = await runScenario(
      inline(`name: network-abandon
seed: 5
server: embedded
groups:
  - { name: macs, model: macbook-pro-2017, count: 1, flow: macos-ade, state: { os: { version: "12.7.6", build: 21H1320 } } }
  - { name: others, model: macbook-pro-2017, count: 1, flow: macos-ade, state: { os: { version: "12.7.6", build: 21H1320 } } }
timeline:
  - { at: 0s, group: macs, abandon: { step: ade.setup-network } }
`),
      opts,
    );
    expect(summary.outcomes).toEqual({ "user.abandoned": 1, "apple.ade.enrolled": 1 });
    expect(summary.errors["user.abandoned"]).toMatchObject({ step: "ade.setup-network" });
    expect(summary.steps["ade.setup-network"]).toMatchObject({ count: 2, failed: 1 });
    expect(summary.steps["ade.cloudconfig"]).toMatchObject({ count: 1 });
    const bad = inline(`name: network-typo
seed: 5
server: embedded
groups:
  - { name: macs, model: macbook-pro-2017, count: 1, flow: macos-ade }
timeline:
  - { at: 0s, group: macs, idle: { for: 1m, step: ade.setup-netwrk } }
`);
    await expect(loadScenario(bad)).rejects.toThrow(/s\.yaml:7:\d+.*ade\.setup-netwrk[\s\S]*did you mean "?ade\.setup-network/i);
  }, 120_000);
});

describe("renewEnrollment: ADE again from the running macOS (loopback, embedded server)", () => {
  const inline = (yaml: string) => {
    const p = join(mkdtempSync(join(tmpdir(), "enrollsim-renew-")), "s.yaml");
    writeFileSync(p, yaml);
    return p;
  };
  const mac = (name: string, version: string, build: string, network: string) =>
    `  - { name: ${name}, model: macbook-pro-2017, count: 1, flow: macos-ade, state: { os: { version: "${version}", build: ${build} }, setupAssistant: { network: ${network} } } }`;
  it("a Monterey Mac set up offline enrolls when renewed; 10.12 has no profiles renew; a Ventura Mac still in Setup Assistant has no running OS", async () => {
    const { summary } = await runScenario(
      inline(`name: renew-cases
seed: 7
server: embedded
groups:
${mac("sierra", "10.12.6", "16G29", "cancels")}
${mac("ventura", "13.6", "22G120", "cancels")}
${mac("monterey", "12.7.6", "21H1320", "cancels")}
timeline:
  - { at: 0s, renewEnrollment: { times: 2 } }
`),
      opts,
    );
    expect(summary.outcomes).toEqual({ "apple.ade.renew-unavailable": 2, "apple.ade.enrolled": 1 });
    expect(summary.groups["monterey"]).toMatchObject({ enrolled: 1 });
    const example = summary.errors["apple.ade.renew-unavailable"]!;
    expect(example).toMatchObject({ step: "ade.renew" });
    // times: 2 — each refused Mac is renewed twice (refused twice), the Monterey Mac once.
    expect(summary.steps["ade.renew"]).toMatchObject({ count: 5, failed: 4 });
    // A renewal on an iPhone group is refused at load, naming the entry and the group.
    const bad = inline(`name: renew-iphone
seed: 7
server: embedded
groups:
  - { name: phones, model: iphone-15, count: 1, flow: ios-ade }
timeline:
  - { at: 0s, group: phones, renewEnrollment: {} }
`);
    await expect(loadScenario(bad)).rejects.toThrow(/s\.yaml:7:\d+[\s\S]*phones \(flow ios-ade\)[\s\S]*macos-ade/);
  }, 180_000);
});

describe("renewEnrollment after a Mac was set up while not assigned (loopback, embedded server)", () => {
  it("denylisted at set-up: no cloud configuration, set up unmanaged; the admin removes it from the list, profiles renew enrols it", async () => {
    const p = join(mkdtempSync(join(tmpdir(), "enrollsim-renew-assign-")), "s.yaml");
    writeFileSync(
      p,
      `name: renew-after-assign
seed: 9
server: embedded
embedded:
  policy:
    deviceLists:
      - { name: held, mode: deny, platform: macos, serials: ["%SERIAL@held%"] }
groups:
  - { name: held, model: macbook-pro-2017, count: 1, flow: macos-ade, state: { os: { version: "12.7.6", build: 21H1320 } } }
timeline:
  - { after: { step: ade.cloudconfig, failed: 1 }, group: held, editDeviceList: { list: held, remove: true } }
  - { at: 0s, group: held, renewEnrollment: { wait: 5s } }
`,
    );
    const { summary } = await runScenario(p, opts);
    expect(summary).toMatchObject({ devices: 1, enrolled: 1 });
    // The first set-up found no cloud configuration; the renewal from the running OS asked again and enrolled.
    expect(summary.steps["ade.cloudconfig"]).toMatchObject({ count: 2, failed: 1 });
    expect(summary.steps["ade.renew"]).toMatchObject({ count: 1, failed: 0 });
    expect(summary.steps["ade.setup-network"]).toMatchObject({ count: 1 });
  }, 120_000);
});
