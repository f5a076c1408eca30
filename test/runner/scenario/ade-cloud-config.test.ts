// SPDX-License-Identifier: MIT
/**
 * The load-time warning for an ADE cloud configuration given in options without either enrollment URL
 * (runner/scenario/ade-cloud-config-semantic.ts): at the cloudConfig key with file:line:column, the
 * outcome the devices will meet, Apple's define-profile code and a did-you-mean; nothing for a cloud
 * configuration that names either URL, nor when the devices fetch theirs (cloudConfigUrl).
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";

const context: ScenarioContext = { modelIds: ["macbook-air-m3", "iphone-15"], flows: ["macos-ade", "ios-ade"] };
const scenario = (cloudConfig: string, extra = "") => `name: ade-urls
groups:
  - name: fine
    model: iphone-15
    count: 1
    flow: ios-ade
  - name: macs
    model: macbook-air-m3
    count: 2
    flow: macos-ade
    options:
      apple:
        ade:${extra}
          cloudConfig: ${cloudConfig}
`;
const warnings = (text: string) => parseScenario(text, "ade.yaml", context).warnings ?? [];

describe("ADE cloud configuration without an enrollment URL: load-time warning", () => {
  it("neither url nor configuration_web_url: a warning at the cloudConfig key with the outcome, CONFIG_URL_REQUIRED and a did-you-mean", () => {
    const w = warnings(scenario("{ is_supervised: true, await_device_configured: false }"));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^ade\.yaml:14:11: warning: groups\[1\]\.options\.apple\.ade\.cloudConfig has neither url nor configuration_web_url: group macs's devices/);
    expect(w[0]).toContain("apple.ade.no-enrollment-url");
    expect(w[0]).toContain("400 CONFIG_URL_REQUIRED");
    expect(w[0]).toContain("Did you mean to add url: /apple/ade/enroll");
  });

  it("an empty url is refused by the schema, with file:line:column", () => {
    expect(() => warnings(scenario('{ url: "" }'))).toThrow(/^ade\.yaml:14:31: groups\[1\]\.options\.apple\.ade\.cloudConfig\.url must be a string matching/);
  });

  it("url or configuration_web_url alone: no warning", () => {
    expect(warnings(scenario("{ url: /apple/ade/enroll }"))).toEqual([]);
    expect(warnings(scenario("{ configuration_web_url: /apple/ade/enroll }"))).toEqual([]);
  });

  it("devices that fetch their cloud configuration (cloudConfigUrl) do not use the given one: no warning", () => {
    expect(warnings(scenario("{ is_supervised: true }", "\n          cloudConfigUrl: https://iprofiles.example/cc"))).toEqual([]);
  });
});
