// SPDX-License-Identifier: MIT
/**
 * Device identity lists (embedded.policy.deviceLists) against the embedded server over loopback: a
 * denylisted iPhone's Authenticate is answered 403 with "Device Not Approved" and iOS shows Profile
 * Installation Failed; a Windows laptop no allow list names gets the SOAP DeviceNotSupported fault
 * (0x80180014); the admin's timeline editDeviceList then the user's Try Again enrolls them. On the
 * scenario clock: an admin who approves the device before the user's retry lets it enroll, one who
 * approves it after does not. A list name the timeline misspells is refused at load with did-you-mean.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { scenarioLoadError } from "../support/scenario-load-error.js";
import { traceLines } from "../support/trace-lines.js";

const scenario = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const temp = (yaml: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-lists-")), "s.yaml");
  writeFileSync(file, yaml);
  return file;
};

describe("device lists (loopback)", () => {
  it("denylisted iPhones get 403 'Device Not Approved' at Authenticate; the unlisted one enrolls", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-lists-")), "trace");
    const { summary } = await runScenario(scenario("ios-device-denylisted-failing"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(summary.errors["apple.checkin.http-403"]).toMatchObject({ count: 2, step: "checkin.authenticate" });
    // The answer's status, not "403" anywhere in the line (a random port or UDID can hold it).
    const auth = traceLines(dir).filter((l) => l.step === "checkin.authenticate" && l.kind === "http" && l.device.startsWith("iphone-15#") && (l.data as { response?: { status?: number } }).response?.status === 403);
    expect(auth).toHaveLength(2);
    for (const l of auth) expect(JSON.stringify(l.data)).toMatch(/Device Not Approved: SERIAL [0-9A-Z]+ is on the deny list \\"lost devices\\"/);
  }, 120_000);

  it("the admin removes them from the deny list and their Try Again enrolls them", async () => {
    const { summary } = await runScenario(scenario("ios-device-denylisted-fixed"), opts);
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
    expect(summary.steps["checkin.authenticate"]).toMatchObject({ count: 5, failed: 2 });
  }, 120_000);

  it("Windows laptops outside an allow-only list by MAC get DeviceNotSupported; added by MAC, they enroll", async () => {
    const failing = await runScenario(scenario("windows-device-not-allowlisted-failing"), opts);
    expect(failing.summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
    expect(failing.summary.errors["windows.fault.DeviceNotSupported"]).toMatchObject({ count: 2, step: "enroll.rst" });
    const fixed = await runScenario(scenario("windows-device-not-allowlisted-fixed"), opts);
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
  }, 180_000);

  const retry = (adminAfter: string) => `name: approve-then-retry
seed: 811
server: embedded
embedded:
  policy:
    deviceLists: [{ name: lost devices, mode: deny, udids: ["%UDID@returned%"] }]
groups:
  - { name: returned, model: iphone-15, count: 1, flow: ios-profile }
limits: { durationSeconds: 20000 }
timeline:
  - { at: 0s, group: returned, tryAgain: { wait: 2h } }
  - { after: ${adminAfter}, group: returned, editDeviceList: { list: lost devices, remove: true } }
  - { after: { step: checkin.authenticate, failed: 1, wait: 1s }, skip: 4h }
expect: { successRatio: 0 }
`;

  it("scenario clock: approved 1 h after the refusal, the user's retry 2 h after enrolls; approved only after the retry was refused too, it stays refused", async () => {
    // The skip makes the hours pass at once; the admin's edit (due at 1 h) fires before the retry (due at 2 h).
    const early = await runScenario(temp(retry("{ step: checkin.authenticate, failed: 1, wait: 1h }")), opts);
    expect(early.summary).toMatchObject({ devices: 1, enrolled: 1 });
    expect(early.summary.steps["checkin.authenticate"]).toMatchObject({ count: 2, failed: 1 });
    const late = await runScenario(temp(retry("{ step: checkin.authenticate, failed: 2 }")), opts);
    expect(late.summary).toMatchObject({ devices: 1, enrolled: 0, failed: 1 });
    expect(late.summary.steps["checkin.authenticate"]).toMatchObject({ count: 2, failed: 2 });
  }, 120_000);

  it("ADE: a denylisted iPhone gets no enrollment profile assigned (apple.ade.device-not-assigned); the other sets up", async () => {
    const file = temp(`name: ade-deny
seed: 813
server: embedded
embedded:
  policy:
    deviceLists: [{ name: lost devices, mode: deny, serials: ["%SERIAL@lost%"] }]
groups:
  - { name: lost, model: iphone-15, count: 1, flow: ios-ade }
  - { name: fine, model: iphone-15, count: 1, flow: ios-ade }
limits: { durationSeconds: 60 }
expect: { successRatio: 0.5 }
`);
    const { summary } = await runScenario(file, opts);
    expect(summary).toMatchObject({ devices: 2, enrolled: 1, failed: 1 });
    expect(summary.groups.lost).toMatchObject({ failed: 1 });
    expect(summary.errors["apple.ade.device-not-assigned"]).toMatchObject({ count: 1 });
  }, 120_000);

  it("a timeline editDeviceList naming no list is refused at its line and column with a did-you-mean", () => {
    const text = `name: x\nserver: embedded\nembedded: { policy: { deviceLists: [{ name: lost devices, mode: deny }] } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\ntimeline:\n  - { at: 1s, editDeviceList: { list: lost device, remove: true } }\n`;
    const e = scenarioLoadError(text, "bad.yaml", { modelIds: ["iphone-15"], flows: ["ios-profile"] });
    expect(e.message).toMatch(/timeline\[0\]\.editDeviceList\.list names device list "lost device".*did you mean "lost devices"/);
    expect(e.location).toBe("bad.yaml:7:39");
  });
});
