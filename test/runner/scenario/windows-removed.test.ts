// SPDX-License-Identifier: MIT
/** Windows keys removed for a general mechanism (issue 10): a clear load-time error that says what replaced them. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { WINDOWS_REMOVED_KEYS } from "../../../src/runner/scenario/platforms/windows.js";
import { REMOVED_KEYS } from "../../../src/runner/scenario/removed.js";
import { scenarioSchema } from "../../../src/runner/scenario/schema.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context = { modelIds: ["windows-11-laptop"], flows: ["windows-byod", "windows-autopilot"] };

const loadError = (text: string): ScenarioError => scenarioLoadError(text, "old.yaml", context);

describe("removed Windows scenario keys", () => {
  it("a removed syncmlQuirks value is refused at its value with the edit fault that replaced it; the kept values load", () => {
    const text = (quirk: string) => `name: old
embedded:
  windows:
    syncmlQuirks: [${quirk}]
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-byod }
`;
    const err = loadError(text("first-status-only"));
    expect(err.message).toContain("old.yaml:4:20");
    expect(err.message).toContain('embedded.windows.syncmlQuirks[0]: "first-status-only" was removed; it is replaced by a fault');
    expect(err.message).toContain('edit: { in: request, remove: "SyncML/SyncBody/Status[2..]" }');
    expect(loadError(text("atomic-replace-no-cmdid")).message).toContain("remove: SyncML/SyncBody/Atomic/Replace/CmdID");
    expect(loadError(text("global-sesion-state")).message).toContain('(did you mean "global-session-state"?)');
    expect(() => parseScenario(text("global-session-state"), "ok.yaml", context)).not.toThrow();
  });

  it("a removed device option points at its key and names the timeline step that replaces it", () => {
    const err = loadError(`name: old
groups:
  - name: pcs
    model: windows-11-laptop
    count: 1
    flow: windows-byod
    options: { windows: { mfa: cancel } }
`);
    expect(err.message).toContain("old.yaml:7:27");
    expect(err.message).toContain("groups[0].options.windows.mfa was removed; it is replaced by the timeline");
    expect(err.message).toContain("abandon: { step: auth.mfa }");
  });

  it("removed server settings, nested in lists too, say what to write instead", () => {
    const err = loadError(`name: old
embedded:
  windows:
    offlineDomainJoin: withhold
    esp:
      apps:
        - { name: Broken, outcome: fail }
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-autopilot }
`);
    const all = [err.message, ...(err.more ?? []).map((e) => e.message)].join("\n");
    expect(all).toMatch(/old\.yaml:4:5: embedded\.windows\.offlineDomainJoin was removed; it is replaced by embedded\.windows\.withhold/);
    expect(all).toMatch(/old\.yaml:7:27: embedded\.windows\.esp\.apps\[0\]\.outcome was removed; it is replaced by exitCode \(fail: 1603, reboot: 1641\)/);
  });

  it("a key that never existed still gets the ordinary did-you-mean", () => {
    const err = loadError(`name: old
embedded:
  windows: { withold: ["./Device/Vendor/MSFT/OfflineDomainJoin/*"] }
groups:
  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-autopilot }
`);
    expect(err.message).toContain('did you mean "withhold"?');
    expect(err.message).not.toContain("was removed");
  });

  it("every removed Windows path is in the loader's table and really gone from the schema (an alias would have to stay in it)", () => {
    const lookup = (path: readonly string[]): unknown => {
      let node: Record<string, unknown> | undefined = scenarioSchema as Record<string, unknown>;
      for (const seg of path) {
        if (seg === "*") node = node?.items as Record<string, unknown> | undefined;
        else node = ((node?.properties as Record<string, Record<string, unknown>> | undefined) ?? {})[seg];
      }
      return node;
    };
    expect(WINDOWS_REMOVED_KEYS.length).toBe(15);
    for (const r of WINDOWS_REMOVED_KEYS) {
      expect(REMOVED_KEYS).toContain(r);
      expect(lookup(r.path.slice(0, -1)), r.path.join(".")).toBeDefined();
      expect(lookup(r.path), r.path.join(".")).toBeUndefined();
    }
  });
});
