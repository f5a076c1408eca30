// SPDX-License-Identifier: MIT
/**
 * The vendor agent catalog (agents/*.yaml, device/agents.ts): the shipped agents load, every mistake in a file is a
 * ScenarioError at file:line:column with what was expected and a did-you-mean, a directory of the user's own
 * (--agents DIR) adds an agent or replaces a shipped one, and a refusal shows the row of the device's platform only.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentScreen } from "../../src/device/agent-shown.js";
import { parseAgentEntry } from "../../src/device/agents.js";
import { ScenarioError } from "../../src/errors/index.js";
import { loadAgents, loadCatalogWith } from "../../src/runner/catalog-files.js";

const GOOD = `id: acme-hub
name: ACME Hub
vendor: ACME
source: acme.example/kb/1
platforms:
  ios: { enrollment: workspace-one }
screens:
  - { cause: user-not-allowed, code: ACME-403, title: Not permitted, text: Ask IT to add you., screen: ACME Hub sign-in, source: acme.example/kb/2 }
`;

function errorOf(text: string, file = "agents/acme-hub.yaml"): ScenarioError {
  try {
    parseAgentEntry(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error("the agent loaded");
}

describe("agent catalog files", () => {
  it("the shipped agents: the Company Portal on Android, the Hub on Android (dialect workspace-one) and iOS/iPadOS (enrollment), Knox Manage on Android", () => {
    const agents = loadAgents();
    expect(agents.ids()).toEqual(["company-portal", "fleet-android-agent", "fleetd-windows", "knox-manage", "workspace-one-hub"]);
    expect(agents.forDialect("workspace-one")?.id).toBe("workspace-one-hub");
    expect(agents.get("workspace-one-hub")?.platforms).toEqual({ android: { dialect: "workspace-one" }, ios: { enrollment: "workspace-one" }, ipados: { enrollment: "workspace-one" } });
    // Each row carries its published source.
    for (const a of agents.list()) for (const s of a.screens) expect(s.source.length).toBeGreaterThan(10);
  });

  it("a mistake is located at file:line:column with what was expected and a did-you-mean", () => {
    const cause = errorOf(GOOD.replace("cause: user-not-allowed", "cause: user-not-alowed"));
    expect(cause.location).toBe("agents/acme-hub.yaml:8:14");
    expect(cause.message).toContain('did you mean "user-not-allowed"');
    const key = errorOf(GOOD.replace("vendor: ACME", "vendr: ACME"));
    expect(key.location).toBe("agents/acme-hub.yaml:3:1");
    expect(key.message).toContain('did you mean "vendor"');
    const platform = errorOf(GOOD.replace("cause: user-not-allowed,", "cause: user-not-allowed, platforms: [android],"));
    expect(platform.message).toContain('platform "android" is not one of this agent\'s');
    const exchange = errorOf(GOOD.replace("enrollment: workspace-one", "enrollment: workspace-two"));
    expect(exchange.location).toBe("agents/acme-hub.yaml:6:22");
    expect(errorOf(GOOD.replace("ios: { enrollment", "android: { enrollment")).message).toContain("enrollment is an Apple agent's exchange");
    expect(errorOf(GOOD.replace("ios: { enrollment: workspace-one }", "android: { dialect: workspace-on }")).message).toContain('did you mean "workspace-one"');
    expect(errorOf(GOOD, "agents/other.yaml").message).toContain('id "acme-hub" does not match the file name other.yaml');
    expect(errorOf(`${GOOD}  - { cause: user-not-allowed, code: X, text: Y, screen: Z, source: W }\n`).message).toContain('a second row for cause "user-not-allowed" on ios');
  });

  it("--agents DIR adds a vendor the project does not ship and replaces a shipped agent by id", () => {
    const dir = mkdtempSync(join(tmpdir(), "agents-"));
    writeFileSync(join(dir, "acme-hub.yaml"), GOOD);
    writeFileSync(join(dir, "knox-manage.yaml"), GOOD.replace(/acme-hub/g, "knox-manage"));
    const catalog = loadCatalogWith(undefined, dir);
    expect(catalog.agents.ids()).toEqual(["acme-hub", "company-portal", "fleet-android-agent", "fleetd-windows", "knox-manage", "workspace-one-hub"]);
    expect(catalog.agents.get("knox-manage")?.platforms).toEqual({ ios: { enrollment: "workspace-one" } });
    const bad = mkdtempSync(join(tmpdir(), "agents-"));
    writeFileSync(join(bad, "acme-hub.yaml"), GOOD.replace("code: ACME-403", "code: "));
    expect(() => loadAgents(bad)).toThrow(/acme-hub\.yaml:8:\d+/);
  });

  it("a refusal shows the agent's row for the device's platform, and nothing of another platform's row", () => {
    const agents = loadAgents();
    const base = { ok: false, code: "x", step: "agent.enroll", message: "m", keychain: { identities: [] } };
    const ios = agentScreen(agents, "workspace-one-hub", "ios", "registered-elsewhere", base);
    expect(ios.message).toMatch(/^Unable to login at this time\. This device is already registered to a different environment\./);
    expect(ios.shown).toMatchObject({ code: "Unable to login at this time.", screen: "Workspace ONE Intelligent Hub, enrollment sign-in" });
    // The KB quotes that screen for iOS re-enrollment only: on Android the platform's text stays.
    expect(agentScreen(agents, "workspace-one-hub", "android", "registered-elsewhere", base)).toBe(base);
    expect(agentScreen(agents, "workspace-one-hub", "ios", "account-locked", base)).toBe(base);
    expect(agentScreen(agents, "workspace-one-hub", "android", "user-not-allowed", base).message).toBe("Your account is not allowed to enroll. Please contact your system administrator");
    expect(agentScreen(agents, "knox-manage", "android", "licence-expired", base).message).toBe("KMA_F230 Expired license: The license associated with your business account has expired. Please contact your administrator.");
  });
});
