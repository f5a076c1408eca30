// SPDX-License-Identifier: MIT
/** Removed one-scenario knobs are refused at load with what replaced them (issue 10), not as a bare unknown key. */
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { REMOVED_KEYS, removedKeyIssues } from "../../../src/runner/scenario/removed.js";

const catalog = loadCatalog();
const ctx = { modelIds: catalog.ids(), flows: ["android-qr", "scep"] };

describe("removed scenario keys", () => {
  it("options.android.device.rebootMidEnrollment points at the timeline reboot, at the key's file:line:column", () => {
    const yaml = "name: x\ngroups:\n  - { name: a, model: pixel-8, count: 1, flow: scep }\n  - name: b\n    model: pixel-8\n    count: 1\n    flow: android-qr\n    options:\n      android:\n        device: { rebootMidEnrollment: true }\n";
    expect(() => parseScenario(yaml, "old.yaml", ctx)).toThrow(/^old\.yaml:10:19: groups\[1\]\.options\.android\.device\.rebootMidEnrollment was removed; it is replaced by a timeline reboot/);
  });

  it("options.android.device.nonAndroidBrowser points at the enrolling device's state (Company Portal version, API level)", () => {
    const yaml = "name: x\ngroups:\n  - name: b\n    model: pixel-8\n    count: 1\n    flow: android-qr\n    options:\n      android:\n        device: { nonAndroidBrowser: true }\n";
    expect(() => parseScenario(yaml, "old.yaml", ctx)).toThrow(/^old\.yaml:9:19: groups\[0\]\.options\.android\.device\.nonAndroidBrowser was removed; it is replaced by the enrolling device's state.*companyPortalVersion: none.*apiLevel: 23/);
  });

  it("matches wildcards over list indices and mapping keys, and nothing else", () => {
    const table = [{ path: ["embedded", "x", "*", "gone"], replacedBy: "y" }];
    expect(removedKeyIssues({ embedded: { x: { p: { gone: 1 }, q: { kept: 1 } } } }, table).map((i) => i.path)).toEqual([["embedded", "x", "p", "gone"]]);
    expect(removedKeyIssues({ embedded: { x: [{ gone: 1 }] } }, table).map((i) => i.path)).toEqual([["embedded", "x", 0, "gone"]]);
    expect(removedKeyIssues({ embedded: { y: { p: { gone: 1 } } } }, table)).toEqual([]);
  });

  it("each removed key is found where it stands and nowhere else", () => {
    for (const r of REMOVED_KEYS) {
      const data: Record<string, unknown> = {};
      let o: Record<string, unknown> | unknown[] = data;
      r.path.forEach((seg, i) => {
        const last = i === r.path.length - 1;
        const next: Record<string, unknown> | unknown[] = r.path[i + 1] === "*" ? [] : {};
        if (Array.isArray(o)) o.push(last ? true : next);
        else o[seg === "*" ? "x" : seg] = last ? true : next;
        o = next;
      });
      expect(removedKeyIssues(data).map((i) => i.path.filter((p) => p !== 0 && p !== "x"))).toEqual([r.path.filter((p) => p !== "*")]);
    }
  });

  it("embedded.android.conditionalAccess and the work-profile / device-admin ranges point at embedded.policy", () => {
    const yaml = "name: x\nembedded:\n  android:\n    restrictions: { workProfile: { allowed: false } }\ngroups:\n  - { name: a, model: pixel-8, count: 1, flow: android-qr }\n";
    expect(() => parseScenario(yaml, "old.yaml", ctx)).toThrow(/^old\.yaml:4:21: embedded\.android\.restrictions\.workProfile was removed; it is replaced by embedded\.policy\.restrictions\.platform\.androidWorkProfile/);
    const ca = "name: x\nembedded:\n  android:\n    conditionalAccess: { requireCompliantDevice: true }\ngroups:\n  - { name: a, model: pixel-8, count: 1, flow: android-qr }\n";
    expect(() => parseScenario(ca, "old.yaml", ctx)).toThrow(/replaced by embedded\.policy\.conditionalAccess/);
  });

  it("every replacement names a general mechanism", () => {
    // Besides state, policy, faults and the timeline: the Windows server's general configuration
    // mechanisms (embedded.windows.withhold: configuration never sent; a package's installer exitCode),
    // and a server setting two different failures share (the Apple Configurator profile's user affinity:
    // Configurator enrollment and direct enrollment), and the profile the Apple server builds, edited
    // before it signs it (embedded.apple.profile add/set/remove: any payload key).
    for (const r of REMOVED_KEYS) expect(r.replacedBy).toMatch(/timeline|embedded\.policy|faults?\b|state|embedded\.windows\.withhold|exitCode|embedded\.apple\.configurator: \{ userAffinity|embedded\.apple\.profile: \{ (add|set|remove)/);
  });
});
