// SPDX-License-Identifier: MIT
/** Load-time checks of `timeline:`: file:line:column, what was expected, did-you-mean. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const catalog = loadCatalog();
const ctx = { modelIds: catalog.ids(), flows: ["scep", "windows-byod"], steps: ["scep.getcacaps", "scep.pkioperation", "enroll.rst"] };
const base = (server = "embedded") =>
  `name: t\nserver: ${server}\ngroups:\n  - { name: pcs, model: windows-11-laptop, count: 3, flow: windows-byod }\n  - { name: phones, model: pixel-8, count: 2, flow: scep }\nlimits: { durationSeconds: 300 }\ntimeline:\n`;

function error(timeline: string, server?: string): string {
  try {
    parseScenario(base(server) + timeline, "s.yaml", ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message;
  }
  return "no error";
}

describe("timeline checks", () => {
  it("accepts the vocabulary and resolves durations, events and targets", () => {
    const s = parseScenario(
      base() +
        "  - { at: 90s, devices: [0, 2], offline: { for: 1.5m, as: connect.refused } }\n" +
        "  - { after: { step: enroll.rst, failed: 2, wait: 500ms }, group: pcs, tryAgain: { wait: 1m, times: 2 } }\n" +
        "  - { after: { outcome: windows.enrolled, count: 3 }, set: { embedded.windows.policy.validityDays: 30 } }\n" +
        "  - { at: 2m, endpointDown: { path: /EnrollmentServer/*, for: 60s } }\n" +
        "  - { at: 4m, skip: 30s }\n",
      "s.yaml",
      ctx,
    );
    expect(s.timeline.map((e) => [e.when, e.action])).toEqual([
      [{ kind: "at", ms: 90_000 }, { kind: "offline", detail: "connect.refused", forMs: 90_000 }],
      [{ kind: "after", event: { kind: "step", step: "enroll.rst", ok: false, n: 2 }, waitMs: 500 }, { kind: "tryAgain", waitMs: 60_000, times: 2 }],
      [{ kind: "after", event: { kind: "outcome", code: "windows.enrolled", n: 3 }, waitMs: 0 }, { kind: "set", values: [{ path: ["embedded", "windows", "policy", "validityDays"], value: 30 }] }],
      [{ kind: "at", ms: 120_000 }, { kind: "endpointDown", path: "/EnrollmentServer/*", answer: 503, forMs: 60_000 }],
      [{ kind: "at", ms: 240_000 }, { kind: "skip", ms: 30_000 }],
    ]);
    expect(s.timeline[0]!.target).toEqual({ devices: [0, 2] });
  });

  it("wipe takes the console's Windows options, one at a time", () => {
    const s = parseScenario(base() + "  - { at: 10s, group: pcs, wipe: { protected: true } }\n  - { at: 20s, group: pcs, wipe: { keepEnrollment: true } }\n  - { at: 30s, wipe: {} }\n", "s.yaml", ctx);
    expect(s.timeline.map((e) => e.action)).toEqual([{ kind: "wipe", protected: true }, { kind: "wipe", keepEnrollment: true }, { kind: "wipe" }]);
    expect(error("  - { at: 10s, wipe: { keepEnrollment: true, protected: true } }\n")).toMatch(/s\.yaml:\d+:\d+: timeline\[0\]\.wipe must be keepEnrollment or protected, not both/);
    expect(error("  - { at: 10s, wipe: { protectd: true } }\n")).toContain('did you mean "protected"?');
  });

  it("an unknown action or key gets file:line:column and a did-you-mean", () => {
    expect(error("  - at: 90s\n    ofline: { for: 30s }\n")).toMatch(/^s\.yaml:9:5: unknown property "ofline" in timeline\[0\]; expected one of .*offline.* \(did you mean "offline"\?\)/);
    expect(error("  - { at: 1s, idle: { fro: 1m } }\n")).toMatch(/^s\.yaml:8:23: unknown property "fro" in timeline\[0\]\.idle.*\(did you mean "for"\?\)/);
    expect(error("  - { at: 1s, revoke: device-certificat }\n")).toMatch(/^s\.yaml:8:23: timeline\[0\]\.revoke must be one of device-certificate, enrollment-tokens, ade-token, service-certificate, vpp-token, enrollment-invitations .*\(did you mean "device-certificate"\?\)/);
    expect(error("  - { at: 1 minute, online: {} }\n")).toMatch(/^s\.yaml:8:11: .*a duration such as "90s"/);
  });

  it("refuses an action at a time after the run's duration, and a skip past its end", () => {
    expect(error("  - { at: 10m, online: {} }\n")).toBe("s.yaml:8:11: timeline[0].at is 10 min into the run, after the run's duration (limits.durationSeconds = 300); it would never fire");
    expect(error("  - { at: 4m, skip: 2m }\n")).toMatch(/^s\.yaml:8:21: timeline\[0\]\.skip .* past the run's end/);
    // The message says what to set: the skip's end plus a minute for what follows (4m + 2m = 360 s, + 60).
    expect(error("  - { at: 4m, skip: 2m }\n")).toMatch(/Set limits\.durationSeconds to at least 420 \(the skip plus time for what follows\)$/);
  });

  it("refuses server actions against a URL server, but not device actions or refused connections", () => {
    expect(error("  - { at: 1s, revoke: device-certificate, devices: [0] }\n", "https://mdm.example.test")).toMatch(/^s\.yaml:8:15: timeline\[0\]\.revoke acts on the embedded server, but server is a URL/);
    expect(error("  - { at: 1s, endpointDown: { path: /x } }\n", "https://mdm.example.test")).toMatch(/endpointDown acts on the embedded server.*endpointDown with answer: refuse/);
    expect(error("  - { at: 1s, endpointDown: { path: /x, answer: refuse } }\n  - { at: 2s, offline: {} }\n", "https://mdm.example.test")).toBe("no error");
  });

  it("checks one action and one trigger per entry, targets and events", () => {
    expect(error("  - { at: 1s, online: {}, offline: {} }\n")).toMatch(/timeline\[0\] gives 2 actions \(offline, online\); give exactly one per entry/);
    expect(error("  - { online: {} }\n")).toMatch(/timeline\[0\] says neither when \(at\) nor after what \(after\)/);
    expect(error("  - { at: 1s, group: pc, online: {} }\n")).toMatch(/unknown group "pc"; groups: pcs, phones \(did you mean "pcs"\?\)/);
    expect(error("  - { at: 1s, devices: [7], online: {} }\n")).toMatch(/timeline\[0\]\.devices\[0\] is device 7, but the run has 5 device\(s\)/);
    expect(error("  - { at: 1s, group: pcs, devices: [3], online: {} }\n")).toMatch(/device 3, which is not in group "pcs" \(indices 0–2\)/);
    expect(error("  - { at: 1s, group: pcs, skip: 1m }\n")).toMatch(/timeline\[0\]\.group does not apply: skip acts on the whole server or run/);
    expect(error("  - { after: { step: enroll.rts }, online: {} }\n")).toMatch(/unknown step "enroll.rts" .*\(did you mean "enroll.rst"\?\)/);
    expect(error("  - { at: 1s, expire: push-certificate }\n")).toMatch(/timeline\[0\]\.expire: the embedded server models no push certificate; give embedded\.apple\.apnsCertificate/);
    expect(error("  - { after: { enrolled: 1, outcome: x.y }, online: {} }\n")).toMatch(/must name exactly one event: step, enrolled or outcome \(got enrolled, outcome\)/);
  });

  it("set: paths must name a setting (did-you-mean) and leave the embedded configuration valid", () => {
    expect(error("  - { at: 1s, set: { embedded.windows.polcy.validityDays: 3 } }\n")).toMatch(/^s\.yaml:8:22: timeline\[0\]\.set\["embedded\.windows\.polcy\.validityDays"\]: unknown setting "polcy" in embedded\.windows; .*\(did you mean "policy"\?\)/);
    expect(error("  - { at: 1s, set: { embedded.scep.pending: 101 } }\n")).toMatch(/leaves the embedded configuration invalid: embedded\.scep\.pending must be <= 100 \(got 101\)/);
    expect(error("  - { at: 1s, set: { embedded.scep.pending: 2 } }\n")).toBe("no error");
  });

  it("set: a path nothing applies during a run is refused with the settable paths, not ignored", () => {
    expect(error("  - { at: 1s, set: { embedded.tls.certificate.validityDays: 30 } }\n")).toMatch(
      /^s\.yaml:8:22: timeline\[0\]\.set\["embedded\.tls\.certificate\.validityDays"\]: nothing in the embedded server applies embedded\.tls \(the server's certificate chain is made when it starts\) during a run; settable: embedded\.scep\.<setting>, embedded\.clockOffset, .*state\.trustedRoots/,
    );
    expect(error("  - { at: 1s, set: { embedded.apple: {} } }\n")).toMatch(/nothing in the embedded server applies embedded\.apple \(set a setting below it\)/);
    expect(error("  - { at: 1s, set: { embedded.policy.restrictions: {} } }\n")).toBe("no error");
    expect(error("  - { at: 1s, set: { embedded.clockOffset: 0s } }\n")).toBe("no error");
  });
});
