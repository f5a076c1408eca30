// SPDX-License-Identifier: MIT
/**
 * `options.windows.autopilot.profileFile` is a path, as Apple's `profileFile` is (blind trial 4: a path
 * was taken for the file's text and refused as "not JSON", blamed on the server). The loader reads it
 * relative to the scenario file into `profileJson`, the inline form; text that is not a JSON object is
 * a scenario error naming the file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadScenarioFile, withAutopilotProfileFile } from "../../../src/runner/scenario/read.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";

const context: ScenarioContext = { modelIds: ["windows-11-laptop"], flows: ["windows-autopilot"] };
const PROFILE = '{"Version":2049,"CloudAssignedTenantDomain":"contoso.example.com","ZtdCorrelationId":"7f3c5d2e-1111-2222-3333-444455556666"}';

function scenarioDir(autopilot: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "enrollsim-autopilot-file-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "s.yaml"), ["name: autopilot-file", "groups:", `  - { name: pcs, model: windows-11-laptop, count: 1, flow: windows-autopilot, options: { windows: { autopilot: ${autopilot} } } }`, ""].join("\n"));
  return join(dir, "s.yaml");
}
const loadError = (file: string) =>
  loadScenarioFile(file, context).then(
    () => undefined,
    (e: unknown) => e as ScenarioError,
  );
const autopilotOf = (s: Awaited<ReturnType<typeof loadScenarioFile>>) => (s.groups[0]!.options.windows as { autopilot: { profileFile?: string; profileJson?: string } }).autopilot;

describe("options.windows.autopilot.profileFile", () => {
  it("is a path relative to the scenario file; the loader reads the file's text into profileJson", async () => {
    const s = await loadScenarioFile(scenarioDir("{ profileSource: file, profileFile: AutopilotConfigurationFile.json }", { "AutopilotConfigurationFile.json": PROFILE }), context);
    expect(autopilotOf(s)).toMatchObject({ profileFile: "AutopilotConfigurationFile.json", profileJson: PROFILE });
  });

  it("the inline form is profileJson; the file's text and the inline text load the same", async () => {
    const s = await loadScenarioFile(scenarioDir(`{ profileSource: file, profileJson: '${PROFILE}' }`), context);
    expect(autopilotOf(s)).toEqual({ profileSource: "file", profileJson: PROFILE });
  });

  it("a file that is not JSON is a scenario error naming the file, never the server's fault", async () => {
    const err = await loadError(scenarioDir("{ profileSource: file, profileFile: profile.txt }", { "profile.txt": "1 not json" }));
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err!.message).toMatch(/s\.yaml: options\.windows\.autopilot\.profileFile .*profile\.txt is not JSON \(/);
    expect(err!.blame).toBe("scenario");
    const array = await loadError(scenarioDir("{ profileSource: file, profileFile: a.json }", { "a.json": "[1]" }));
    expect(array!.message).toMatch(/a\.json is not a JSON object/);
  });

  it("a path that was JSON text (the old form), a missing file, both forms, or profileSource file with neither: clear scenario errors", async () => {
    const oldForm = await loadError(scenarioDir(`{ profileSource: file, profileFile: '${PROFILE}' }`));
    expect(oldForm!.message).toContain("is JSON text: write the text as profileJson instead");
    // The options' own problems are located in the scenario file (file:line:column of the key's value).
    expect(oldForm!.message).toMatch(/s\.yaml:3:\d+: options\.windows\.autopilot\.profileFile is the path/);
    const missing = await loadError(scenarioDir("{ profileSource: file, profileFile: nowhere.json }"));
    expect(missing!.message).toMatch(/cannot read options\.windows\.autopilot\.profileFile .*nowhere\.json: no such file/);
    const both = await loadError(scenarioDir(`{ profileSource: file, profileFile: a.json, profileJson: '${PROFILE}' }`, { "a.json": PROFILE }));
    expect(both!.message).toContain("both profileFile and profileJson");
    const neither = await loadError(scenarioDir("{ profileSource: file }"));
    expect(neither!.message).toContain("profileSource file needs profileFile");
    const inlineBad = await loadError(scenarioDir("{ profileSource: file, profileJson: '{oops' }"));
    expect(inlineBad!.message).toMatch(/options\.windows\.autopilot\.profileJson is not JSON/);
  });

  it("a UTF-8 file keeps its bytes for the device's own ASCII check (autopilot.not-ascii)", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-autopilot-file-"));
    writeFileSync(join(dir, "u.json"), '{"CloudAssignedTenantDomain":"contosö.com"}', "utf8");
    const out = withAutopilotProfileFile<{ autopilot: { profileSource: string; profileFile: string; profileJson?: string } }>({ autopilot: { profileSource: "file", profileFile: "u.json" } }, dir);
    expect(out.autopilot.profileJson).toMatch(/[^\x00-\x7f]/);
    expect(out.autopilot.profileJson!.length).toBe(Buffer.byteLength('{"CloudAssignedTenantDomain":"contosö.com"}'));
  });
});
