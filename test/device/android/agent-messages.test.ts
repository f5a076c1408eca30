// SPDX-License-Identifier: MIT
/**
 * An EMM agent's own codes (wire/android/agent-messages.ts, device/android/agent-shown.ts): the Knox Manage agent
 * (dialect knox-manage) shows KMA_F1007 when Knox Mobile Enrollment asks for a personally owned work profile; other
 * dialects keep the platform's text. Bad dialect names get file:line:column and a did-you-mean.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario, scenarioContext } from "../../../src/api/run-scenario.js";
import { agentRefusal } from "../../../src/device/android/agent-shown.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const AGENTS = loadCatalog().agents;
import { androidServer, runAndroidFlow } from "../../protocol/android/harness.js";

const base = { ok: false, code: "android.provision.method-unsupported", step: "android.trigger.kme", message: "Can't set up device.", keychain: { identities: [] } };

describe("agent messages are data per dialect", () => {
  it("knox-manage has its published KMA_F1007 for the KME personal work-profile cause; amapi and headwind have none", () => {
    expect(agentRefusal(AGENTS, "knox-manage", "kme-personal-work-profile", base).shown).toMatchObject({
      code: "KMA_F1007",
      name: "Invalid Manage Type",
      text: expect.stringContaining('only allowed to enroll on "Fully Managed" or "Work Profile on company-owned" mode via KME'),
    });
    expect(agentRefusal(AGENTS, "amapi", "kme-personal-work-profile", base)).toBe(base);
    expect(agentRefusal(AGENTS, undefined, "kme-personal-work-profile", base)).toBe(base);
    expect(AGENTS.forDialect("headwind")).toBeUndefined();
    expect(AGENTS.forDialect("knox-manage")?.id).toBe("knox-manage");
  });

  it("the knox-manage dialect enrolls over the AMAPI stand-in (virtual time, in-memory server)", async () => {
    const { server } = await androidServer();
    const ok = await runAndroidFlow("android-qr", { dialect: "knox-manage", trigger: "kme" }, server.handler, { model: "samsung-galaxy-s23" });
    expect(ok.result).toMatchObject({ ok: true, code: "android.enrolled" });
    const wp = await runAndroidFlow("android-qr", { dialect: "knox-manage", trigger: "kme", profile: "work-profile", mode: "work-profile" }, server.handler, { model: "samsung-galaxy-s23", index: 1 });
    expect(wp.result).toMatchObject({ ok: false, code: "android.provision.method-unsupported", shown: { code: "KMA_F1007", screen: "Knox Manage agent, Verify preprovision info" } });
    const plain = await runAndroidFlow("android-qr", { trigger: "kme", profile: "work-profile", mode: "work-profile" }, server.handler, { model: "samsung-galaxy-s23", index: 2 });
    expect(plain.result?.shown).toBeUndefined();
  });

  it("a misspelt dialect is refused at its key with a did-you-mean", () => {
    const text = "name: t\nserver: embedded\ngroups:\n  - { name: g, model: samsung-galaxy-s23, count: 1, flow: android-qr, options: { android: { dialect: knox-manag } } }\n";
    const e = scenarioLoadError(text, "ticket.yaml", scenarioContext(loadCatalog()));
    expect(e.location).toMatch(/^ticket\.yaml:4:\d+$/);
    expect(e.message).toContain("knox-manage");
  });
});

describe("shipped pair over loopback", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  it("android-knox-manage-wrong-manage-type-failing / -fixed", async () => {
    const failing = await runScenario(join(dir, "android-knox-manage-wrong-manage-type-failing.yaml"), { keyPoolSize: 24, progress: false });
    expect(failing.summary).toMatchObject({ devices: 3, enrolled: 1, ok: true });
    const fixed = await runScenario(join(dir, "android-knox-manage-wrong-manage-type-fixed.yaml"), { keyPoolSize: 24, progress: false });
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
  }, 120_000);
});
