// SPDX-License-Identifier: MIT
/**
 * A group's `state.browser` is checked when the file loads: a browser without a row of devices/profile-installers/*.yaml
 * on the group's platform (Chrome on a Mac: no report was found, so there is no row) is refused at the value, naming the
 * browsers that have rows there, instead of failing every device of the group at run time (blind trial 12 trip-up).
 */
import { describe, expect, it } from "vitest";
import { scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context = scenarioContext(loadCatalog());
const one = (model: string, flow: string, browser: string) => `name: t\nserver: embedded\ngroups:\n  - { name: g, model: ${model}, count: 1, flow: ${flow}, state: { browser: ${browser} } }\n`;

describe("state.browser at load", () => {
  it("Chrome on a Mac has no row: refused at the value, with the browsers that have one", () => {
    const e = scenarioLoadError(one("macbook-air-m3", "macos-profile", "chrome"), "ticket.yaml", context);
    expect(e.location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect(e.message).toContain('state.browser "chrome" has no row of devices/profile-installers/*.yaml on macos (macbook-air-m3); browsers with rows there: safari');
  });

  it("Chrome on an iPhone and Safari on a Mac load", () => {
    expect(() => parseScenario(one("iphone-15", "ios-profile", "chrome"), "ok.yaml", context)).not.toThrow();
    expect(() => parseScenario(one("macbook-air-m3", "macos-profile", "safari"), "ok.yaml", context)).not.toThrow();
  });
});
