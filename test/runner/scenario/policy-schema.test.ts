// SPDX-License-Identifier: MIT
/** embedded.policy in scenario files: schema errors and semantic checks with file:line:column and did-you-mean. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";

const context: ScenarioContext = { modelIds: ["windows-11-laptop"], flows: ["windows-byod"] };
const HEAD = `name: p
groups:
  - { name: a, model: windows-11-laptop, count: 1, flow: windows-byod }
embedded:
  policy:
`;
const error = (text: string): ScenarioError => {
  try {
    parseScenario(text, "t.yaml", context);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
};

describe("embedded.policy", () => {
  it("passes a full policy through to the server as written", () => {
    const text = `${HEAD}    directory: { users: [{ upn: ann@contoso.com, groups: [sales] }] }
    restrictions:
      platform: { windows: { minOs: "10.0.19045" } }
      platformPolicies: [{ name: sales, priority: 1, assign: [sales], windows: { personal: block } }]
      deviceLimit: 3
    userScope: { mdm: { groups: [sales] }, mam: none }
    compliance: { policies: [{ name: w11, platform: windows, rules: { minOs: "10.0.22000" }, graceHours: 72 }] }
    conditionalAccess: { requireCompliantDevice: true }
    terms: [{ name: tou, assign: [all-users] }]
    ade: { token: { expiresInHours: 1 } }
`;
    const s = parseScenario(text, "t.yaml", context);
    expect(s.server).toMatchObject({ kind: "embedded", policy: { restrictions: { deviceLimit: 3 }, userScope: { mam: "none" } } });
  });
  it("an unknown key gets its location and a did-you-mean", () => {
    const e = error(`${HEAD}    restrictions: { deviceLimt: 3 }\n`);
    expect(e.location).toBe("t.yaml:6:21");
    expect(e.message).toContain('(did you mean "deviceLimit"?)');
  });
  it("a group no user belongs to is refused with the known groups and a did-you-mean", () => {
    const e = error(`${HEAD}    directory: { users: [{ upn: ann@contoso.com, groups: [sales] }] }\n    userScope: { mdm: { groups: [saels] } }\n`);
    expect(e.location).toBe("t.yaml:7:34");
    expect(e.message).toContain('names group "saels"');
    expect(e.message).toContain('(did you mean "sales"?)');
  });
  it("repeated priorities in one restriction list are refused", () => {
    const e = error(`${HEAD}    restrictions:\n      deviceLimitPolicies:\n        - { name: a, priority: 1, assign: [all-users], limit: 2 }\n        - { name: b, priority: 1, assign: [all-users], limit: 3 }\n`);
    expect(e.location).toBe("t.yaml:9:32");
    expect(e.message).toContain("repeats priority 1");
  });
  it("an OS version that is not dotted numbers is refused", () => {
    const e = error(`${HEAD}    restrictions: { platform: { windows: { minOs: "Windows 11" } } }\n`);
    expect(e.message).toMatch(/a dotted version/);
  });
});
