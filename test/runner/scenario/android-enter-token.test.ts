// SPDX-License-Identifier: MIT
/** `options.android.enterToken` at load: its shape (schema) and the embedded profile it names (android-token-semantic.ts). */
import { describe, expect, it } from "vitest";
import { scenarioContext } from "../../../src/api/run-scenario.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context = scenarioContext(loadCatalog());
const text = (enterToken: string, server = "embedded") =>
  `name: t\nserver: ${server}\nembedded:\n  android:\n    profiles:\n      nfc-comment: { mode: fully-managed }\ngroups:\n  - { name: g, model: pixel-8, count: 1, flow: android-qr, options: { android: { profile: nfc-comment, enterToken: ${enterToken} } } }\n`;

describe("options.android.enterToken", () => {
  it("names a declared or built-in embedded profile, or gives a code", () => {
    for (const v of ["{ profile: nfc-comment }", "{ profile: dedicated }", "{ value: ABCDEFGHIJ }"]) expect(parseScenario(text(v), "t.yaml", context).groups).toHaveLength(1);
  });

  it("an unknown profile is refused at the value with a did-you-mean, not left to a 404 at run time", () => {
    const e = scenarioLoadError(text("{ profile: nfc-coment }"), "t.yaml", context);
    expect(e.message).toMatch(/^t\.yaml:8:\d+: .*enterToken\.profile "nfc-coment" is not a provisioning profile of the embedded server \(did you mean "nfc-comment"\?\)/);
  });

  it("takes exactly one of profile and value", () => {
    expect(scenarioLoadError(text("{ profile: nfc-comment, value: X }"), "t.yaml", context).message).toMatch(/enterToken/);
    expect(scenarioLoadError(text("{}"), "t.yaml", context).message).toMatch(/enterToken/);
    expect(scenarioLoadError(text("{ profil: nfc-comment }"), "t.yaml", context).message).toMatch(/profil/);
  });
});
