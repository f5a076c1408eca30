// SPDX-License-Identifier: MIT
/** state.networkProxy of Apple devices (device/apple/proxy-state.ts): bad input is refused at file:line:column with what was expected. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const context = scenarioContext(loadCatalog());
const scenario = (state: string) => `name: t\nserver: embedded\ngroups:\n  - { name: g, model: ipad-air-m2, count: 1, flow: ios-ade, state: { networkProxy: ${state} } }\n`;

function refusal(state: string): ScenarioError {
  try {
    parseScenario(scenario(state), "ticket.yaml", context);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("accepted");
}

describe("state.networkProxy", () => {
  it("accepts Manual with a server and Auto with or without a PAC URL", () => {
    for (const s of ['{ type: manual, server: "proxy.corp.example:8080" }', "{ type: auto }", '{ type: auto, pacUrl: "http://wpad.corp.example/wpad.dat", pacFallbackAllowed: true }'])
      expect(parseScenario(scenario(s), "ok.yaml", context).groups[0]!.state).toMatchObject({ networkProxy: { type: expect.any(String) } });
  });

  it("a misspelt key is refused at its line and column with a did-you-mean", () => {
    const e = refusal('{ type: auto, pacURL: "http://wpad.corp.example/wpad.dat" }');
    expect(e.location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect(e.message).toMatch(/pacURL/);
    expect(e.message).toMatch(/pacUrl/);
  });

  it("Manual without a server, and a server that is not host:port, are refused", () => {
    expect(refusal("{ type: manual }").message).toMatch(/server/);
    expect(refusal('{ type: manual, server: "http://proxy:8080" }').message).toMatch(/host:port/);
    expect(refusal("{ type: automatic }").message).toMatch(/manual|auto/);
  });
});
