// SPDX-License-Identifier: MIT
/**
 * The two removed app/licence knobs (issue 10): `embedded.apple.vpp.tokenExpired` (now the token's
 * lifetime or the timeline's expire/revoke: vpp-token) and `InstallApplication.userDeclines` (now the
 * timeline's abandon at the app-install prompt). A file still using one gets an error at the key.
 * Also: the new vocabulary loads, and a typo in it gets a did-you-mean.
 */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { loadScenario } from "../../../src/api/run-scenario.js";
import { join } from "node:path";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context: ScenarioContext = { modelIds: ["iphone-15"], flows: ["ios-profile", "ios-ade"] };

const loadError = (text: string): ScenarioError => scenarioLoadError(text, "old.yaml", context);

describe("removed Apple app and licence knobs", () => {
  it("embedded.apple.vpp.tokenExpired: the token's lifetime or the timeline's expire: vpp-token", () => {
    const e = loadError("name: old\nserver: embedded\nembedded:\n  apple:\n    vpp:\n      tokenExpired: true\n      apps: [{ adamId: 1, licenses: 1, assignment: device }]\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\n");
    expect(e.location).toBe("old.yaml:6:7");
    expect(e.message).toContain("embedded.apple.vpp.tokenExpired was removed; it is replaced by the location token's lifetime");
    expect(e.message).toContain("expire: vpp-token");
    expect(e.message).toContain("9621");
  });

  it("options.apple.commands.InstallApplication.userDeclines: the timeline's abandon at app.install-prompt", () => {
    const e = loadError("name: old\ngroups:\n  - name: g\n    model: iphone-15\n    count: 1\n    flow: ios-ade\n    options:\n      apple:\n        commands:\n          InstallApplication: { userDeclines: true }\n");
    expect(e.location).toBe("old.yaml:10:33");
    expect(e.message).toContain("options.apple.commands.InstallApplication.userDeclines was removed; it is replaced by the timeline");
    expect(e.message).toContain("abandon: { step: app.install-prompt }");
    expect(e.message).toContain("UserRejected");
  });

  it("InstallProfile's userDeclines stays (the profile prompt is another mechanism)", () => {
    expect(() => parseScenario("name: ok\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile, options: { apple: { commands: { InstallProfile: { userDeclines: true } } } } }\n", "ok.yaml", context)).not.toThrow();
  });

  it("the new vocabulary loads: token lifetime, app fields, expire/revoke vpp-token, abandon at the app steps, expect.server.apps", () => {
    const text = `name: ok
server: embedded
embedded:
  apple:
    vpp:
      token: { expiresInDays: 30 }
      apps: [{ adamId: 719171358, name: Intune Company Portal, bundleId: com.microsoft.CompanyPortal, licenses: 5, assignment: device, deviceAssignable: true }]
groups:
  - { name: g, model: iphone-15, count: 1, flow: ios-profile }
timeline:
  - { at: 0s, abandon: { step: app.install-prompt } }
  - { at: 0s, idle: { step: app.store-sign-in, for: 1h } }
  - { at: 1s, expire: vpp-token }
  - { at: 2s, revoke: vpp-token }
limits: { durationSeconds: 60 }
expect:
  server: { apps: { status: { UserRejected: 1 }, licenceRefusals: { "9621": 1 } } }
`;
    expect(() => parseScenario(text, "ok.yaml", context)).not.toThrow();
  });

  it("a misspelt app step gets a did-you-mean; a bad licence code is refused at its key", () => {
    const typo = loadError("name: t\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\ntimeline:\n  - { at: 0s, abandon: { step: app.install-promt } }\n");
    expect(typo.message).toContain("app.install-prompt");
    const code = loadError('name: t\nserver: embedded\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\nexpect:\n  server: { apps: { licenceRefusals: { "expired": 1 } } }\n');
    expect(code.location).toBe("old.yaml:6:40");
    expect(code.message).toContain(`expected an error number such as "9621"`);
  });
});

describe("an abandon at the app-install prompt that no targeted device can meet is a warning", () => {
  const ctx: ScenarioContext = { ...context, flows: ["ios-profile", "ios-ade", "macos-ade"], modelIds: ["iphone-15", "macbook-air-m3"], modelPlatforms: { "iphone-15": "ios", "macbook-air-m3": "macos" } };
  const scenario = (groups: string, step = "app.install-prompt") => `name: w\ngroups:\n${groups}timeline:\n  - { at: 0s, abandon: { step: ${step} } }\n`;
  const warnings = (text: string) => parseScenario(text, "w.yaml", ctx).warnings ?? [];

  it("ADE iPhones (iOS 13+: always supervised) and supervised profile devices: warned at the step, pointing at app.store-sign-in", () => {
    const w = warnings(scenario("  - { name: ade, model: iphone-15, count: 1, flow: ios-ade }\n  - { name: prepared, model: iphone-15, count: 1, flow: ios-profile, state: { supervised: true } }\n"));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^w\.yaml:6:32: warning: timeline\[0\]\.abandon\.step "app\.install-prompt" can never fire/);
    expect(w[0]).toContain("group ade: Automated Device Enrollment supervises every iPhone and iPad on iOS/iPadOS 13 or later");
    expect(w[0]).toContain("group prepared: state.supervised is true");
    expect(w[0]).toContain("app.store-sign-in");
  });

  it("no warning when some targeted device can be asked: an unsupervised profile iPhone, ADE on iOS 12 with is_supervised false", () => {
    expect(warnings(scenario("  - { name: p, model: iphone-15, count: 1, flow: ios-profile }\n  - { name: ade, model: iphone-15, count: 1, flow: ios-ade }\n"))).toEqual([]);
    const old = '  - { name: ade, model: iphone-15, count: 1, flow: ios-ade, state: { os: { version: "12.5.7", build: 16H81 } }, options: { apple: { ade: { cloudConfig: { is_supervised: false } } } } }\n';
    expect(warnings(scenario(old)).filter((x) => x.includes("can never fire"))).toEqual([]);
    // A glob also reaches the App Store sign-in: not warned.
    expect(warnings(scenario("  - { name: ade, model: iphone-15, count: 1, flow: ios-ade }\n", "app.*"))).toEqual([]);
    expect(warnings(scenario("  - { name: mac, model: macbook-air-m3, count: 1, flow: macos-ade }\n"))[0]).toContain("a Mac installs managed apps without asking");
  });

  it("the shipped fixed variant says so: its users would still tap Cancel, but are never asked", async () => {
    const s = await loadScenario(join(import.meta.dirname, "../../../scenarios/examples/apple-app-install-declined-fixed.yaml"));
    expect(s.warnings?.some((x) => x.includes("state.supervised is true"))).toBe(true);
  });
});
