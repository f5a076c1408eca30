// SPDX-License-Identifier: MIT
/**
 * Timeline `connectHost` (the user connects a device by USB to a Mac): the engine keeps, per targeted
 * device, the computers it was connected to at the time the entry fires (virtual time); the scenario
 * file refuses a Finder with a supervision identity at its file:line:column, and a misspelt action key
 * gets a did-you-mean. Whether the device pairs is device/apple/host-pairing.ts (test/api/apple-failures-a).
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import type { TranscriptEntry } from "../../../src/ports/transcript.js";
import { TimelineEngine } from "../../../src/runner/timeline/engine.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";
import { START, ctx } from "./support.js";

const scenario = (timeline: string) => `name: t\nseed: 7\ngroups:\n  - { name: a, model: iphone-15, count: 2, flow: scep }\n  - { name: b, model: iphone-15, count: 1, flow: scep }\ntimeline:\n${timeline}`;
const devices = [
  { index: 0, id: "iphone-15#0", group: "a", platform: "ios" },
  { index: 1, id: "iphone-15#1", group: "a", platform: "ios" },
  { index: 2, id: "iphone-15#2", group: "b", platform: "ios" },
];

describe("timeline connectHost", () => {
  it("records each targeted device's connections when the entry fires, oldest first, and notes them as injected", async () => {
    const s = parseScenario(scenario("  - { at: 0s, group: a, connectHost: { host: finder } }\n  - { at: 30s, devices: [1], connectHost: { host: configurator, supervisionIdentity: true } }\n"), "t.yaml", ctx);
    const clock = new VirtualClock(START);
    const notes: TranscriptEntry[] = [];
    const engine = new TimelineEngine({ entries: s.timeline!, clock, devices, transcriptFor: () => ({ record: (e) => void notes.push(e) }) });
    engine.begin();
    await clock.advance(1);
    expect(engine.hostConnections(0)).toEqual([{ host: "finder", supervisionIdentity: false, entry: 0 }]);
    expect(engine.hostConnections(1)).toHaveLength(1);
    expect(engine.hostConnections(2)).toEqual([]);
    await clock.advance(29_000);
    expect(engine.hostConnections(1)).toHaveLength(1); // not yet: fires at 30 s on the scenario clock
    await clock.advance(1_000);
    expect(engine.hostConnections(1)).toEqual([
      { host: "finder", supervisionIdentity: false, entry: 0 },
      { host: "configurator", supervisionIdentity: true, entry: 1 },
    ]);
    expect(engine.hostConnections(0)).toHaveLength(1);
    const n = notes.filter((x) => x.data.action === "connectHost");
    expect(n.map((x) => x.device)).toEqual(["iphone-15#0", "iphone-15#1", "iphone-15#1"]);
    expect(n.every((x) => x.data.injected === true)).toBe(true);
    expect(engine.report().map((a) => a.result)).toEqual(["connected by USB to a Mac running Finder", "connected by USB to a Mac running Apple Configurator with the organization's supervision identity"]);
    engine.end();
  });

  it("refuses a Finder with a supervision identity at the key, and a missing host", () => {
    const e = scenarioLoadError(scenario("  - { at: 0s, connectHost: { host: finder, supervisionIdentity: true } }\n"), "t.yaml", ctx);
    expect(e.location).toBe("t.yaml:7:44");
    expect(e.message).toContain("only Apple Configurator holds an organization's supervision identity");
    const missing = scenarioLoadError(scenario("  - { at: 0s, connectHost: { supervisionIdentity: true } }\n"), "t.yaml", ctx);
    expect(missing.message).toMatch(/host/);
    const wrong = scenarioLoadError(scenario("  - { at: 0s, connectHost: { host: itunes } }\n"), "t.yaml", ctx);
    expect(wrong.message).toMatch(/finder|configurator/);
  });

  it("refuses a connection triggered by an enrolment or an outcome (pairing is evaluated at the end of the enrolment), at its after key", () => {
    const e = scenarioLoadError(scenario("  - { after: { enrolled: 1 }, connectHost: { host: finder } }\n"), "t.yaml", ctx);
    expect(e.location).toBe("t.yaml:7:7");
    expect(e.message).toMatch(/timeline\[0\]\.connectHost fires after: \{ enrolled \}, once devices have finished enrolling; .* a connection after that is not modelled/);
    const outcome = scenarioLoadError(scenario("  - { after: { outcome: apple.enrolled }, connectHost: { host: finder } }\n"), "t.yaml", ctx);
    expect(outcome.message).toContain("fires after: { outcome }");
    // A step during the enrolment is fine.
    expect(parseScenario(scenario("  - { after: { step: scep.getcacaps }, connectHost: { host: finder } }\n"), "t.yaml", ctx).timeline).toHaveLength(1);
  });

  it("a connection firing at a time when a targeted device has already enrolled says its pairing is not evaluated", async () => {
    const s = parseScenario(scenario("  - { at: 10s, connectHost: { host: finder } }\n"), "t.yaml", ctx);
    const clock = new VirtualClock(START);
    const engine = new TimelineEngine({ entries: s.timeline!, clock, devices, transcriptFor: () => ({ record: () => {} }) });
    engine.begin();
    engine.onDeviceEnd({ device: "iphone-15#2", index: 2, group: "b", model: "iphone-15", platform: "ios", flow: "scep", ok: true, code: "scep.enrolled", startedAt: START, endedAt: START });
    await clock.advance(10_000);
    expect(engine.report()[0]!.result).toBe("connected by USB to a Mac running Finder; 1 device(s) had already enrolled: their pairing is not evaluated (a connection after enrolment is not modelled)");
    engine.end();
  });

  it("a misspelt action key gets a did-you-mean", () => {
    const e = scenarioLoadError(scenario("  - { at: 0s, conectHost: { host: finder } }\n"), "t.yaml", ctx);
    expect(e.message).toContain("did you mean");
    expect(e.message).toContain("connectHost");
  });
});

describe("timeline restore: which backup", () => {
  it("keeps per device the backup restored since its last set-up (latest by default, previous when asked)", async () => {
    const s = parseScenario(scenario("  - { at: 0s, group: a, restore: {} }\n  - { at: 30s, devices: [1], restore: { backup: previous } }\n"), "t.yaml", ctx);
    const clock = new VirtualClock(START);
    const engine = new TimelineEngine({ entries: s.timeline!, clock, devices, transcriptFor: () => ({ record: () => {} }) });
    engine.begin();
    await clock.advance(1);
    expect([0, 1, 2].map((i) => engine.restoredBackup(i))).toEqual(["latest", "latest", undefined]);
    await clock.advance(30_000);
    expect([0, 1, 2].map((i) => engine.restoredBackup(i))).toEqual(["latest", "previous", undefined]);
    expect(engine.report()[1]!.result).toContain("backup of the enrolment before the last set-up");
    engine.end();
    const wrong = scenarioLoadError(scenario("  - { at: 0s, restore: { backup: oldest } }\n"), "t.yaml", ctx);
    expect(wrong.message).toMatch(/latest|previous/);
  });
});
