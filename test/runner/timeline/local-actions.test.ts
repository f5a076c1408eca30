// SPDX-License-Identifier: MIT
/** Timeline `localAutopilotReset`: parsed with its default, kept per PC until the PC's next session, then handed over once. */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { LocalDeviceActions } from "../../../src/runner/timeline/device-actions.js";

const ctx = { modelIds: loadCatalog().ids(), flows: ["windows-autopilot"] };
const yaml = (action: string) => `name: t
server: embedded
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-autopilot }
timeline:
  - { at: 1m, ${action} }
`;

describe("timeline localAutopilotReset", () => {
  it("is a device action: admin defaults to true; a typo gets file:line:column and did-you-mean", () => {
    const s = parseScenario(yaml("localAutopilotReset: {}"), "t.yaml", ctx);
    expect(s.timeline[0]!.action).toEqual({ kind: "localAutopilotReset", admin: true });
    expect(parseScenario(yaml("localAutopilotReset: { admin: false }"), "t.yaml", ctx).timeline[0]!.action).toEqual({ kind: "localAutopilotReset", admin: false });
    expect(() => parseScenario(yaml("localAutopilotReset: { admn: false }"), "t.yaml", ctx)).toThrow(/t\.yaml:6:\d+: unknown property "admn".*did you mean "admin"/);
    expect(() => parseScenario(yaml("localAutopilotRest: {}"), "t.yaml", ctx)).toThrow(/did you mean "localAutopilotReset"/);
  });

  it("waits at the PC until its next session and is taken once; other platforms get nothing", () => {
    const q = new LocalDeviceActions();
    const said = q.request(
      { kind: "localAutopilotReset", admin: false },
      [
        { index: 1, id: "pc#1", group: "g", platform: "windows" },
        { index: 2, id: "mac#2", group: "m", platform: "macos" },
      ],
      0,
      1000,
    );
    expect(said).toMatch(/1 PC\(s\) by a user without an administrator account.*1 device\(s\) not Windows/);
    expect(q.take(2)).toBeUndefined();
    expect(q.take(1)).toEqual([{ kind: "autopilot-reset", admin: false, entry: 0, at: 1000 }]);
    expect(q.take(1)).toBeUndefined();
  });
});
