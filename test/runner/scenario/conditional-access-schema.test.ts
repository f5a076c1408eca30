// SPDX-License-Identifier: MIT
/** embedded.policy.conditionalAccess in scenario files: schema errors and semantic checks with file:line:column and did-you-mean. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context: ScenarioContext = { modelIds: ["windows-11-laptop"], flows: ["windows-autopilot"] };
const HEAD = `name: p
groups:
  - { name: a, model: windows-11-laptop, count: 1, flow: windows-autopilot }
embedded:
  policy:
    directory: { users: [{ upn: ann@contoso.com, groups: [staff] }] }
    conditionalAccess:
      termsOfUse: [{ name: Contoso ToU, expand: true }]
      policies:
`;
const error = (text: string): ScenarioError => scenarioLoadError(text, "t.yaml", context);

describe("embedded.policy.conditionalAccess", () => {
  it("passes policies and terms of use through as written", () => {
    const s = parseScenario(
      `${HEAD}        - { name: tou, state: reportOnly, users: { include: [all-users], exclude: [ann@contoso.com] }, apps: { include: [All cloud apps], exclude: [Microsoft Intune Enrollment, 0000000a-0000-0000-c000-000000000000] }, platforms: { include: [all], exclude: [android] }, clientApps: [browser], grant: { operator: OR, controls: [mfa, compliantDevice], termsOfUse: [Contoso ToU] } }\n`,
      "t.yaml",
      context,
    );
    expect(s.server).toMatchObject({ kind: "embedded", policy: { conditionalAccess: { policies: [{ name: "tou", state: "reportOnly", grant: { operator: "OR" } }] } } });
  });
  it("a misspelled cloud app gets its location and a did-you-mean", () => {
    const e = error(`${HEAD}        - { name: x, apps: { exclude: [Microsoft Intune Enrolment] }, grant: { controls: [mfa] } }\n`);
    expect(e.location).toMatch(/^t\.yaml:10:/);
    expect(e.message).toContain('did you mean "Microsoft Intune Enrollment"');
  });
  it("a grant control outside Entra's list gets a did-you-mean", () => {
    const e = error(`${HEAD}        - { name: x, grant: { controls: [compliantDevices] } }\n`);
    expect(e.message).toContain('did you mean "compliantDevice"');
  });
  it("unknown terms of use, unknown groups, an empty grant and a block with controls are refused", () => {
    expect(error(`${HEAD}        - { name: x, grant: { termsOfUse: [Contoso TOU] } }\n`).message).toContain('names terms of use "Contoso TOU", which conditionalAccess.termsOfUse does not hold (did you mean "Contoso ToU"?)');
    const g = error(`${HEAD}        - { name: x, users: { exclude: [stafff] }, grant: { controls: [mfa] } }\n`);
    expect(g.location).toMatch(/^t\.yaml:10:/);
    expect(g.message).toContain('(did you mean "staff"?)');
    expect(error(`${HEAD}        - { name: x, grant: {} }\n`).message).toContain("grants nothing");
    expect(error(`${HEAD}        - { name: x, grant: { controls: [block, mfa] } }\n`).message).toContain("block stands alone");
  });
  it("warns when a policy on Windows enrollment can never apply because the Autopilot group's token is minted (no sign-in)", () => {
    const policy = `        - { name: tou, grant: { termsOfUse: [Contoso ToU] } }\n`;
    const minted = parseScenario(`${HEAD}${policy}`, "t.yaml", context);
    expect(minted.warnings?.[0]).toMatch(/^t\.yaml:3:\d+: warning: groups\[0\]\.flow: group a gets its enrollment token minted .* policy "tou" .* set options\.windows\.tokenSource: idp/);
    const idp = `${HEAD}${policy}`.replace("flow: windows-autopilot }", "flow: windows-autopilot, options: { windows: { tokenSource: idp } } }");
    expect(parseScenario(idp, "t.yaml", context).warnings).toBeUndefined();
    const excluded = `${HEAD}        - { name: tou, apps: { exclude: [Microsoft Intune Enrollment] }, grant: { termsOfUse: [Contoso ToU] } }\n`;
    expect(parseScenario(excluded, "t.yaml", context).warnings).toBeUndefined();
  });
});
