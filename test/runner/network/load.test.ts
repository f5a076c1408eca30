// SPDX-License-Identifier: MIT
/** Loading `networks:`: names a group or a timeline entry uses must exist (file:line:column, did-you-mean); the vocabulary is schema-checked. */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context = { modelIds: ["pixel-8"], flows: ["android-qr"] };
const text = (networks: string, group = "office-wifi", timeline = "") => `name: n
server: embedded
networks:
${networks}
groups:
  - { name: g, model: pixel-8, count: 1, flow: android-qr, network: ${group} }
${timeline}`;
const ok = "  office-wifi: { blocked: [play.google.com, mdm], blockedAs: connect.refused }\n  guest: { captivePortal: { status: 200 } }\n  closed: { internet: false, local: [mdm], proxy: { pac: http://10.0.0.1/x.pac } }";

describe("loading networks", () => {
  it("accepts the vocabulary and keeps the group's network", () => {
    const s = parseScenario(text(ok, "office-wifi", "timeline:\n  - { at: 10s, joinNetwork: guest }\n  - { at: 20s, portalSignIn: {} }"), "ok.yaml", context);
    expect(s.groups[0]!.network).toBe("office-wifi");
    expect(s.networks?.closed).toEqual({ internet: false, local: ["mdm"], proxy: { pac: "http://10.0.0.1/x.pac" } });
    expect(s.timeline.map((e) => e.action)).toEqual([{ kind: "joinNetwork", network: "guest" }, { kind: "portalSignIn" }]);
  });

  it("an unknown network in a group is refused at its line and column with a did-you-mean", () => {
    const e = scenarioLoadError(text(ok, "ofice-wifi"), "bad.yaml", context);
    expect(e.message).toMatch(/^bad\.yaml:8:\d+: unknown network "ofice-wifi"; networks: .*did you mean "office-wifi"/);
  });

  it("an unknown network in joinNetwork is refused", () => {
    const e = scenarioLoadError(text(ok, "office-wifi", "timeline:\n  - { at: 10s, joinNetwork: gues }"), "bad.yaml", context);
    expect(e.message).toMatch(/bad\.yaml:10:\d+: unknown network "gues".*did you mean "guest"/);
  });

  it("a misspelt key or a bad failure kind is a schema error naming what was expected", () => {
    expect(scenarioLoadError(text("  w: { internt: false }", "w"), "bad.yaml", context).message).toMatch(/internt/);
    expect(scenarioLoadError(text("  w: { blockedAs: tls.untrusted }", "w"), "bad.yaml", context).message).toMatch(/blockedAs/);
  });

  it("a proxy that asks no authentication is written { authentication: none }; an empty proxy is refused naming that form", () => {
    const s = parseScenario(text("  office-wifi: { proxy: { authentication: none } }"), "ok.yaml", context);
    expect(s.networks?.["office-wifi"]).toEqual({ proxy: { authentication: "none" } });
    const e = scenarioLoadError(text("  office-wifi: { proxy: {} }"), "bad.yaml", context);
    expect(e.message).toMatch(/^bad\.yaml:4:\d+: .*proxy must not be empty/);
    expect(`${e.message} ${e.expected ?? ""}`).toContain("{ authentication: none }");
  });

  it("a network without internet behind a captive portal is refused", () => {
    expect(scenarioLoadError(text("  w: { internet: false, captivePortal: {} }", "w"), "bad.yaml", context).message).toMatch(/no internet access and a captive portal/);
  });
});
