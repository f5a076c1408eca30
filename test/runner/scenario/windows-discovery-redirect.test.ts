// SPDX-License-Identifier: MIT
/**
 * Issue 10: embedded.windows.discoveryRedirect: insecure-http (one scenario) is removed. A discovery
 * redirected to plain HTTP is written with the general faults at the discovery steps (HTTPS discovery
 * not answered, the HTTP probe redirected to an http:// URL); the PC refuses it with
 * MENROLL_E_INSECUREREDIRECT 0x8018001A, as before. The old value is refused at load with the replacement.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const context = scenarioContext(loadCatalog());

describe("discovery redirected to plain HTTP", () => {
  it("discoveryRedirect: insecure-http is refused at the value with the faults that replace it", () => {
    let err: unknown;
    try {
      parseScenario("name: t\nserver: embedded\nembedded:\n  windows: { discoveryRedirect: insecure-http }\ngroups:\n  - { name: g, model: windows-11-laptop, count: 1, flow: windows-byod }\n", "ticket.yaml", context);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect((err as ScenarioError).message).toContain("match: { step: discovery.redirect }");
  });

  it("the shipped failure on faults: every PC refuses the redirect with 0x8018001A and never posts discovery", async () => {
    const { summary } = await runScenario(join(import.meta.dirname, "../../../scenarios/failures/win-discovery-proxy-rewrite.yaml"), { keyPoolSize: 24, progress: false });
    expect(summary.outcomes).toEqual({ "windows.discovery.insecure-redirect": 3 });
    expect(JSON.stringify(summary.errors["windows.discovery.insecure-redirect"])).toContain("0x8018001A");
    expect(summary.steps["discovery.post"]).toBeUndefined();
  }, 60_000);
});

describe("a legacy CNAME target (faults with the run's %SERVER%)", () => {
  it("discoveryRedirect (legacy-https) is refused at the key with the faults that replace it", () => {
    let err: unknown;
    try {
      parseScenario("name: t\nserver: embedded\nembedded:\n  windows: { discoveryRedirect: legacy-https }\ngroups:\n  - { name: g, model: windows-11-laptop, count: 1, flow: windows-byod }\n", "ticket.yaml", context);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect((err as ScenarioError).message).toContain("%SERVER%/EnrollmentServer/Legacy/Discovery.svc");
  });

  it("a device variable in a fault is a load-time error at its value (faults expand once, with run variables)", () => {
    let err: unknown;
    try {
      parseScenario(
        'name: t\nserver: embedded\nfaults:\n  - match: { step: discovery.redirect }\n    redirect: { location: "https://x.example/%SERIAL%" }\ngroups:\n  - { name: g, model: windows-11-laptop, count: 1, flow: windows-byod }\n',
        "ticket.yaml",
        context,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).location).toMatch(/^ticket\.yaml:5:\d+$/);
    expect((err as ScenarioError).message).toContain("faults take run variables only");
  });

  it("the shipped failure: the redirect points at the run's own HTTPS listener; decliners get MENROLL_E_USER_CANCELED, the others enrol at the legacy path", async () => {
    const { summary } = await runScenario(join(import.meta.dirname, "../../../scenarios/failures/win-legacy-cname-target-confirmation.yaml"), { keyPoolSize: 24, progress: false });
    expect(summary.outcomes).toEqual({ "user.abandoned": 3, "windows.byod.enrolled": 2 });
    expect(summary.steps["discovery.redirect"]).toMatchObject({ count: 5 });
    expect(summary.steps["discovery.post"]).toMatchObject({ count: 2 });
  }, 60_000);
});
