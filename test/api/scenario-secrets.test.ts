// SPDX-License-Identifier: MIT
/**
 * The secrets a scenario file holds are registered with the run's redactor (api/run-scenario.ts scenarioRedactor), so
 * the scenario text a report embeds and every trace line hide them: credential-shaped keys in group options and in
 * embedded.policy, a `{ value }` under such a key, and the enroll secret a Windows package gives its agent whatever the
 * MSI property is called.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, scenarioRedactor } from "../../src/api/run-scenario.js";
import { loadCatalog } from "../../src/runner/catalog-files.js";

const failures = join(import.meta.dirname, "../../scenarios/failures");

describe("scenario secrets", () => {
  it("hides an entered enrollment code, a tenant user's password, a vendor enroll secret and an agent package's secret file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-secrets-"));
    const android = join(dir, "android.yaml");
    writeFileSync(android, readFileSync(join(failures, "android-nfc-token-in-properties-comment-fixed.yaml"), "utf8").replace("enterToken: { profile: nfc-comment-token }", 'enterToken: { value: "CODE-7781-XY" }'));
    const windows = join(dir, "windows.yaml");
    writeFileSync(
      windows,
      readFileSync(join(failures, "win-vendor-agent-enroll-secret-failing.yaml"), "utf8").replace('files: { secret.txt: "dummy-secret" }', 'properties: { FLEETD_ENROLL: "prop-value-5521" }, files: { secret.txt: "dummy-secret" }'),
    );
    // A Workspace ONE user only the tenant knows (no group signs in as them): the password is in embedded.policy alone.
    const ws1 = join(dir, "ws1.yaml");
    writeFileSync(ws1, readFileSync(join(failures, "ios-ws1-user-not-allowed-fixed.yaml"), "utf8").replace("userGroups: [Sales] }", 'userGroups: [Sales] }\n        - { user: kim.ops, password: "Pa55-Kim-2026", userGroups: [Ops] }'));
    const catalog = loadCatalog();
    const a = await loadScenario(android, catalog);
    expect(scenarioRedactor(a, catalog.agents).redactString(readFileSync(android, "utf8"))).not.toContain("CODE-7781-XY");
    const w = await loadScenario(windows, catalog);
    const text = readFileSync(windows, "utf8");
    const red = scenarioRedactor(w, catalog.agents).redactString(text);
    for (const s of ["dummy-secret", "workstations-team-secret"]) expect(red, s).not.toContain(s);
    // FLEETD_ENROLL is not a row's secretFrom (fleetd-windows reads secret.txt): its value is not a secret, and stays.
    expect(red).toContain("prop-value-5521");
    const p = await loadScenario(ws1, catalog);
    expect(scenarioRedactor(p, catalog.agents).redactString(readFileSync(ws1, "utf8"))).not.toContain("Pa55-Kim-2026");
  });
});
