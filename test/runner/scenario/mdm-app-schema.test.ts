// SPDX-License-Identifier: MIT
/** embedded.policy.directory.applications and embedded.windows.tokenValidation in scenario files: schema errors with file:line:column, the minted-token warning. */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context: ScenarioContext = { modelIds: ["windows-11-laptop"], flows: ["windows-autopilot", "windows-bulk"] };
const HEAD = `name: p
groups:
  - { name: a, model: windows-11-laptop, count: 1, flow: windows-autopilot }
embedded:
  windows: { tokenValidation: { audiences: ["%SERVER%"], refusal: { httpStatus: 200, subcode: s:messageformat } } }
  policy:
    directory:
      applications:
`;

describe("embedded.policy.directory.applications", () => {
  it("passes a registration through, and refuses a client id that is not a GUID or a version Entra does not have, at file:line:column", () => {
    const s = parseScenario(`${HEAD}        - { name: Fleet, appId: 6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f, identifierUris: ["%SERVER%"], accessTokenAcceptedVersion: 2 }\n`, "t.yaml", context);
    expect(s.server).toMatchObject({ kind: "embedded", policy: { directory: { applications: [{ appId: "6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f", accessTokenAcceptedVersion: 2 }] } } });
    const guid = scenarioLoadError(`${HEAD}        - { appId: fleet-mdm }\n`, "t.yaml", context);
    expect(guid.location).toMatch(/^t\.yaml:9:/);
    const version = scenarioLoadError(`${HEAD}        - { appId: 6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f, accessTokenAcceptedVersion: 3 }\n`, "t.yaml", context);
    expect(version.location).toMatch(/^t\.yaml:9:/);
    const typo = scenarioLoadError(`${HEAD}        - { appId: 6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f, requestedAccessTokenVerison: 2 }\n`, "t.yaml", context);
    expect(typo.location).toMatch(/^t\.yaml:9:/);
    const refusal = scenarioLoadError(HEAD.replace("httpStatus: 200", "httpStatus: 302") + "        - { appId: 6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f }\n", "t.yaml", context);
    expect(refusal.location).toMatch(/^t\.yaml:5:/);
  });
  it("warns when the group's token is minted, so the MDM application's version never applies; not with tokenSource idp", () => {
    const app = `        - { name: Fleet, appId: 6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f, accessTokenAcceptedVersion: 2 }\n`;
    const minted = parseScenario(`${HEAD}${app}`, "t.yaml", context);
    expect(minted.warnings?.[0]).toMatch(/^t\.yaml:3:\d+: warning: groups\[0\]\.flow: group a gets its enrollment token minted .* "Fleet" .* set options\.windows\.tokenSource: idp/);
    const idp = `${HEAD}${app}`.replace("flow: windows-autopilot }", "flow: windows-autopilot, options: { windows: { tokenSource: idp } } }");
    expect(parseScenario(idp, "t.yaml", context).warnings).toBeUndefined();
  });
});
