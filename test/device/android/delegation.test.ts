// SPDX-License-Identifier: MIT
/**
 * Delegated scopes (AMAPI ApplicationPolicy.delegatedScopes, wire/android/delegation.ts) and an agent app's work after
 * install (agents/*.yaml afterInstall, device/android/agent-work.ts): the strict enum at the API, Android's
 * SecurityException per release, the delay before Android Device Policy delegates on the device's virtual clock, a
 * release without retry failing for good and one that waits succeeding (fleetdm/fleet#43064). The shipped pair runs
 * over loopback.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/api/run-scenario.js";
import { AgentCatalog, parseAgentEntry } from "../../../src/device/agents.js";
import { rowsFor } from "../../../src/device/android/agent-work.js";
import { ScenarioError } from "../../../src/errors/index.js";
import type { HttpRequest } from "../../../src/ports/http.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { loadAgents } from "../../../src/runner/catalog-files.js";
import { delegationDenied, invalidDelegatedScopes, readDelegatedScopes, scopeSupported } from "../../../src/wire/android/delegation.js";
import { readApplicationPolicies } from "../../../src/wire/android/oem-apps.js";
import { oncKeyPairNetworks, oncNonCompliance } from "../../../src/wire/android/onc.js";
import { androidServer, BASE, runAndroidFlow, START } from "../../protocol/android/harness.js";

const FLEET = "com.fleetdm.agent";
const app = (delegatedScopes?: string[]) => ({
  packageName: FLEET,
  ...(delegatedScopes ? { delegatedScopes } : {}),
  managedConfiguration: { scep_url: `${BASE}/scep`, challenge: "enrollsim-challenge", alias: "wifi-client", subject: "CN=fleet-agent" },
});
const WIFI = { NetworkConfigurations: [{ GUID: "corp-wifi", Type: "WiFi", WiFi: { SSID: "corp", Security: "WPA-EAP", EAP: { Outer: "EAP-TLS", ClientCertType: "KeyPairAlias", ClientCertKeyPairAlias: "wifi-client" } } }] };
const ONC_DETAIL = {
  settingName: "openNetworkConfiguration",
  nonComplianceReason: "INVALID_VALUE",
  specificNonComplianceReason: "ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY",
  specificNonComplianceContext: { oncWifiContext: { wifiGuid: "corp-wifi" } },
};
const profiles = (delegatedScopes?: string[]) => ({ profiles: { "fully-managed": { mode: "fully-managed", applications: [app(delegatedScopes)], openNetworkConfiguration: WIFI } } });

async function enroll(options: Record<string, unknown>, { scopes = ["CERT_INSTALL"] as string[] | undefined, apiLevel = undefined as number | undefined, agents = undefined as AgentCatalog | undefined } = {}) {
  const clock = new VirtualClock(START);
  const { server, half } = await androidServer(profiles(scopes), clock);
  const out = await runAndroidFlow("android-qr", options, server.handler, { clock, ...(apiLevel ? { state: { apiLevel } } : {}), ...(agents ? { agents } : {}) });
  return { ...out, elapsed: clock.now() - START, record: [...half.amapi.devices.values()][0]! };
}

describe("delegated scopes", () => {
  it("the API refuses an unknown scope as Google's JSON mapping does; the device reads known ones once", () => {
    expect(invalidDelegatedScopes([{ packageName: "a.b", delegatedScopes: ["CERT_INSTALL", "DELEGATED_SCOPE_UNSPECIFIED"] }])).toBeUndefined();
    expect(invalidDelegatedScopes([{ packageName: "a.b" }, { packageName: "c.d", delegatedScopes: ["CERT_INSTALL", "CERT_INSTAL"] }])).toBe(
      `Invalid value at 'policy.applications[1].delegated_scopes[1]' (type.googleapis.com/google.android.management.v1.DelegatedScope), "CERT_INSTAL"`,
    );
    expect(invalidDelegatedScopes([{ packageName: "a.b", delegatedScopes: "CERT_INSTALL" }])).toContain("delegated_scopes'");
    expect(readDelegatedScopes(["CERT_INSTALL", "CERT_INSTALL", "NOPE", 3])).toEqual(["CERT_INSTALL"]);
    expect(readApplicationPolicies([app(["CERT_INSTALL", "SECURITY_LOGS"])])[0]!.delegatedScopes).toEqual(["CERT_INSTALL", "SECURITY_LOGS"]);
  });

  it("Android's SecurityException per release, and the releases a logging scope is supported on", () => {
    expect(delegationDenied("CERT_INSTALL", 30, 10123)).toBe("Calling identity is not authorized");
    expect(delegationDenied("CERT_INSTALL", 29, 10123)).toBe("Caller with uid 10123 is not a delegate of scope delegation-cert-install.");
    expect(scopeSupported("CERT_INSTALL", 26, "PROFILE_OWNER", false)).toBe(true);
    expect(scopeSupported("NETWORK_ACTIVITY_LOGS", 29, "DEVICE_OWNER", true)).toBe(true);
    expect(scopeSupported("NETWORK_ACTIVITY_LOGS", 30, "PROFILE_OWNER", false)).toBe(false);
    expect(scopeSupported("SECURITY_LOGS", 33, "PROFILE_OWNER", false)).toBe(false);
    expect(scopeSupported("SECURITY_LOGS", 31, "PROFILE_OWNER", true)).toBe(true);
  });

  it("ONC: the Wi-Fi networks naming a key pair alias, and the non-compliance of one whose key is not installed", () => {
    expect(oncKeyPairNetworks(WIFI)).toEqual([{ guid: "corp-wifi", alias: "wifi-client" }]);
    expect(oncKeyPairNetworks({ NetworkConfigurations: [{ GUID: "psk", Type: "WiFi", WiFi: { Security: "WPA-PSK" } }, { GUID: "ref", WiFi: { EAP: { ClientCertType: "Ref", ClientCertRef: "x" } } }, null] })).toEqual([]);
    expect(oncKeyPairNetworks("junk")).toEqual([]);
    expect(oncNonCompliance(oncKeyPairNetworks(WIFI), new Set())).toEqual([ONC_DETAIL]);
    expect(oncNonCompliance(oncKeyPairNetworks(WIFI), new Set(["wifi-client"]))).toEqual([]);
  });

  it("the reference server's policies endpoint refuses a misspelt scope with 400 INVALID_ARGUMENT and stores nothing", async () => {
    const { server, half } = await androidServer();
    const e = half.config.enterpriseId;
    const patch = (applications: unknown) =>
      server.handler({ method: "PATCH", url: `${BASE}/android/amapi/v1/enterprises/${e}/policies/p1`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ applications }))) } as HttpRequest);
    const bad = await patch([{ packageName: FLEET, delegatedScopes: ["CERT_INSTAL"] }]);
    expect(bad.status).toBe(400);
    expect(JSON.parse(Buffer.from(bad.body).toString("utf8")).error).toMatchObject({
      status: "INVALID_ARGUMENT",
      message: expect.stringContaining(`delegated_scopes[0]' (type.googleapis.com/google.android.management.v1.DelegatedScope), "CERT_INSTAL"`),
    });
    expect(half.amapi.policies.size).toBe(0);
    expect((await patch([{ packageName: FLEET, delegatedScopes: ["CERT_INSTALL"] }])).status).toBe(200);
  });
});

describe("agent catalog: afterInstall", () => {
  const agents = loadAgents();

  it("Fleet's agent is found by its package; the release picks its rows (default: the newest)", () => {
    const fleet = agents.forPackage(FLEET)!;
    expect(fleet.id).toBe("fleet-android-agent");
    expect(rowsFor(fleet, "1.3.0")).toEqual([expect.objectContaining({ action: "cert-install", checkScope: false, retries: 0 })]);
    expect(rowsFor(fleet, "1.4.0")).toEqual([expect.objectContaining({ checkScope: true, retryIntervalSeconds: 900 })]);
    expect(rowsFor(fleet, undefined)).toEqual(rowsFor(fleet, "1.4.0"));
    for (const r of fleet.afterInstall) expect(r.source).toContain("fleetdm/fleet");
  });

  it("a mistake is located with what was expected", () => {
    const text = `id: acme\nname: ACME\nvendor: ACME\nsource: acme.example\nplatforms:\n  android: { packageName: com.acme.agent }\nafterInstall:\n  - { action: cert-instal, checkScope: false, retries: 0, retryIntervalSeconds: 60, screen: s, source: acme.example/1 }\n`;
    const err = (t: string) => {
      try {
        parseAgentEntry(t, "agents/acme.yaml");
      } catch (e) {
        if (e instanceof ScenarioError) return e;
        throw e;
      }
      throw new Error("loaded");
    };
    expect(err(text).location).toBe("agents/acme.yaml:8:15");
    expect(err(text).message).toContain('did you mean "cert-install"');
    expect(err(text.replace("{ packageName: com.acme.agent }", "{}").replace("cert-instal", "cert-install")).message).toContain("platforms.android.packageName must name its package");
    expect(parseAgentEntry(text.replace("cert-instal", "cert-install"), "agents/acme.yaml").screens).toEqual([]);
  });
});

describe("an agent's certificate enrollment after AMAPI enrollment (virtual clock)", () => {
  it("agent 1.3.0 before the delegation: SCEP issues, installKeyPair throws, no retry; the device stays enrolled", async () => {
    const out = await enroll({ delegationDelaySeconds: 60, appVersions: { [FLEET]: "1.3.0" } });
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(out.result!.background).toEqual([
      expect.objectContaining({
        code: "android.agent.action-failed",
        task: "android.agent.cert-install",
        shown: expect.objectContaining({ code: "SecurityException", name: "java.lang.SecurityException", text: "Calling identity is not authorized" }),
      }),
      expect.objectContaining({ code: "android.policy.onc-key-pair-missing", shown: expect.objectContaining({ code: "ONC_WIFI_KEY_PAIR_ALIAS_NOT_CORRESPONDING_TO_EXISTING_KEY" }) }),
    ]);
    expect(out.steps.filter((s) => s.step === "scep.pkioperation")).toEqual([expect.objectContaining({ ok: true })]);
    expect(out.steps.filter((s) => s.step === "android.agent.cert-install")).toEqual([expect.objectContaining({ ok: false })]);
    expect(out.elapsed).toBeLessThan(60_000);
    // The Wi-Fi that needs the key pair cannot be configured: Android Device Policy reports it, the server's record says so.
    expect(out.record).toMatchObject({ policyCompliant: false, nonComplianceDetails: [ONC_DETAIL] });
  });

  it("the same on Android 10 shows that release's text", async () => {
    const out = await enroll({ delegationDelaySeconds: 60, appVersions: { [FLEET]: "1.3.0" } }, { apiLevel: 29 });
    expect(out.result!.background![0]!.shown!.text).toMatch(/^Caller with uid \d+ is not a delegate of scope delegation-cert-install\.$/);
  });

  it("delegated with the install (the default delay 0), agent 1.3.0 installs its certificate", async () => {
    const out = await enroll({ appVersions: { [FLEET]: "1.3.0" } });
    expect(out.result).toMatchObject({ ok: true });
    expect(out.result!.background ?? []).toEqual([]);
    expect(out.steps.filter((s) => s.step === "android.agent.cert-install")).toEqual([expect.objectContaining({ ok: true })]);
    expect(out.record.policyCompliant).toBe(true);
  });

  it("agent 1.4.0 checks the delegation, waits for its worker's next run 15 minutes later on the device's clock, then installs", async () => {
    const out = await enroll({ delegationDelaySeconds: 60, appVersions: { [FLEET]: "1.4.0" } });
    expect(out.result).toMatchObject({ ok: true });
    expect(out.result!.background ?? []).toEqual([]);
    expect(out.steps.filter((s) => s.step === "android.agent.delegation").map((s) => s.ok)).toEqual([false, true]);
    expect(out.steps.filter((s) => s.step === "android.agent.cert-install")).toEqual([expect.objectContaining({ ok: true })]);
    expect(out.elapsed).toBeGreaterThanOrEqual(900_000);
    // SCEP runs only once the delegation is there.
    expect(out.steps.filter((s) => s.step === "scep.pkioperation")).toHaveLength(1);
    expect(out.record.policyCompliant).toBe(true);
    expect(out.record.nonComplianceDetails).toBeUndefined();
  });

  it("a policy that never delegates CERT_INSTALL: a waiting release gives up after its retries; nothing is enrolled over SCEP", async () => {
    const patient = parseAgentEntry(
      `id: acme\nname: ACME\nvendor: ACME\nsource: acme.example\nplatforms:\n  android: { packageName: ${FLEET} }\nafterInstall:\n  - { action: cert-install, checkScope: true, retries: 2, retryIntervalSeconds: 600, screen: s, source: acme.example/1 }\n`,
      "agents/acme.yaml",
    );
    const out = await enroll({}, { scopes: [], agents: new AgentCatalog([patient]) });
    expect(out.result!.background).toEqual([expect.objectContaining({ code: "android.agent.scope-not-delegated" }), expect.objectContaining({ code: "android.policy.onc-key-pair-missing" })]);
    expect(out.steps.filter((s) => s.step === "android.agent.delegation").map((s) => s.ok)).toEqual([false, false, false]);
    expect(out.steps.some((s) => s.step.startsWith("scep."))).toBe(false);
    expect(out.elapsed).toBeGreaterThanOrEqual(1_200_000);
  });

  it("a CA that does not answer SCEP fails the agent's try, not the device's enrollment", async () => {
    const clock = new VirtualClock(START);
    const { server } = await androidServer({ profiles: { "fully-managed": { mode: "fully-managed", applications: [{ ...app(["CERT_INSTALL"]), managedConfiguration: { scep_url: `${BASE}/no-scep-here` } }] } } }, clock);
    const out = await runAndroidFlow("android-qr", { appVersions: { [FLEET]: "1.3.0" } }, server.handler, { clock });
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(out.result!.background).toEqual([expect.objectContaining({ code: "android.agent.action-failed", message: expect.stringContaining("SCEP enrollment failed") })]);
    expect(out.result!.background![0]!.shown).toBeUndefined();
  });

  it("an app no agent in the catalog knows does no work", async () => {
    const out = await enroll({ delegationDelaySeconds: 60 }, { agents: new AgentCatalog([]) });
    // Nothing installs the Wi-Fi's key pair either: only Android Device Policy's ONC report.
    expect(out.result!.background).toEqual([expect.objectContaining({ code: "android.policy.onc-key-pair-missing" })]);
    expect(out.steps.some((s) => s.step.startsWith("android.agent.") && s.step !== "android.agent.terms")).toBe(false);
  });
});

describe("shipped pair (loopback)", () => {
  const dir = join(import.meta.dirname, "../../../scenarios/failures");
  const opts = { keyPoolSize: 4, progress: false as const };

  it("failing: every phone enrolls without its certificate; fixed: agent 1.4.0 installs it after the wait", async () => {
    const failing = await runScenario(join(dir, "android-agent-cert-before-delegation-failing.yaml"), opts);
    expect(failing.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(failing.summary.outcomes["android.agent.action-failed"]).toBe(3);
    const fixed = await runScenario(join(dir, "android-agent-cert-before-delegation-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(failing.summary.outcomes["android.policy.onc-key-pair-missing"]).toBe(3);
    expect(fixed.summary.outcomes["android.agent.action-failed"]).toBeUndefined();
    expect(fixed.summary.outcomes["android.policy.onc-key-pair-missing"]).toBeUndefined();
    expect(fixed.summary.steps["android.agent.cert-install"]).toMatchObject({ count: 3, failed: 0 });
  }, 120_000);
});
