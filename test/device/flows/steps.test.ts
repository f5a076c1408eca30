// SPDX-License-Identifier: MIT
/**
 * The step registry cannot drift: every flow is run (success and failure paths, shipped scenarios
 * against the embedded server over loopback, at most 3 devices per group) and every step name it
 * records must be declared for that flow in device/flows/steps.ts.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../../src/api/run-scenario.js";
import { FLOWS } from "../../../src/device/flows/index.js";
import { FLOW_STEPS, STEP_FAMILIES, expandedStepsOf, isStepOf, stepsOf, unknownStep } from "../../../src/device/flows/steps.js";
import { closest } from "../../../src/runner/scenario/suggest.js";
import type { ResolvedScenario } from "../../../src/runner/scenario/types.js";
import type { LoadModel } from "../../../src/runner/fleet.js";

const root = join(import.meta.dirname, "../../../scenarios");

/** Per flow, shipped scenarios that together reach every step the flow is known to take. */
const RUNS = [
  "scep-pending.yaml",
  "ios-commands.yaml",
  "ios-ddm-assets.yaml",
  "ios-byod-profile.yaml",
  "ios-push.yaml",
  "failures/apple-checkin-401-unenrolls.yaml",
  "failures/ios-local-reset-vs-remote-wipe-restore.yaml",
  "failures/apple-apns-renewed-different-appleid.yaml",
  "ios-user-enrollment.yaml",
  "ios-account-reauth.yaml",
  "ios-ade.yaml",
  "failures/ios-cp-appconfig-after-modern-auth.yaml",
  "failures/ios-cp-begin-never-tapped.yaml",
  "macos-ade.yaml",
  "macos-direct.yaml",
  "failures/mac-jamf-compliance-stuck.yaml",
  "failures/mac-jamf-registration-via-company-portal.yaml",
  "failures/mac-profile-not-approved.yaml",
  "failures/ios-ue-vpp-license-error.yaml",
  "failures/ios-configurator-affinity-24h.yaml",
  "windows-self-deploying.yaml",
  "failures/win-autopilot-hardware-change.yaml",
  "failures/win-oobe-idp-blocked.yaml",
  "windows-bulk.yaml",
  "windows-byod.yaml",
  "failures/win-esp-add-work-account-pre1903.yaml",
  "failures/win-discovery-http-400-migration.yaml",
  "failures/win-mfa-not-completed.yaml",
  "failures/win-entra-autoenroll-caa30194.yaml",
  "failures/win-tou-declined-or-unreachable.yaml",
  "failures/win-tenant-attach-crl-proxy.yaml",
  "failures/android-aosp-agent-self-update.yaml",
  "failures/android-nfc-admin-extras-strings.yaml",
  "android-cope-zero-touch.yaml",
  "failures/android-ca-blocks-chrome-tab.yaml",
  "failures/android-kme-missing-custom-json.yaml",
  "failures/android8-no-qr-reader.yaml",
  "android-dedicated-token.yaml",
  "failures/android-da-record-lingers.yaml",
  "failures/android-updatesettings-link-error.yaml",
  "failures/android-dem-wp-limit.yaml",
  "failures/android-both-allowed-version-blocked.yaml",
];

/** One scenario per check-in kind, with a short steady phase. */
const CHECKIN_RUNS = ["scep-fleet.yaml", "ios-byod-profile.yaml", "ios-account-reauth.yaml", "windows-byod.yaml", "android-fully-managed-qr.yaml", "android-aosp-userless.yaml"];
const STEADY: LoadModel = { steady: { durationSeconds: 1.5, intervalSeconds: 0.3, jitter: 0, maxCheckinsPerDevice: 1 } };

function small(s: ResolvedScenario): ResolvedScenario {
  let next = 0;
  const groups = s.groups.map((g) => {
    const count = Math.min(g.count, 3);
    const out = { ...g, count, firstIndex: next };
    next += count;
    return out;
  });
  return { ...s, groups, totalDevices: next };
}

/** Runs a scenario and returns [flow, step] for every step sample. */
async function recorded(file: string, load?: LoadModel): Promise<Array<[string, string]>> {
  const s = small(await loadScenario(join(root, file)));
  const flowOf = (device: string): string => {
    const i = Number(device.slice(device.lastIndexOf("#") + 1));
    return s.groups.find((g) => i >= g.firstIndex && i < g.firstIndex + g.count)?.flow ?? "?";
  };
  const out: Array<[string, string]> = [];
  await runScenario(s, { progress: false, keyPoolSize: 24, capacity: false, load, observers: [{ onStep: (x) => out.push([flowOf(x.device), x.step]) }] });
  return out;
}

describe("step registry", () => {
  it("declares every registered flow, and only those", () => {
    expect(Object.keys(FLOW_STEPS).sort()).toEqual(Object.keys(FLOWS).sort());
  });

  it("family members and exact names", () => {
    expect(isStepOf("ios-profile", "command.DeviceInformation")).toBe(true);
    expect(isStepOf("ios-profile", "command.NoSuchCommand")).toBe(true); // open: the server picks RequestTypes
    expect(isStepOf("ios-profile", "checkin.tokenupdate")).toBe(true);
    expect(isStepOf("ios-profile", "checkin.nosuchmessage")).toBe(false); // closed family
    expect(isStepOf("ios-profile", "checkin.command.DeviceLock")).toBe(true); // steady check-in, prefixed
    expect(isStepOf("scep", "command.DeviceInformation")).toBe(false);
    expect(isStepOf("windows-bulk", "autopilot.profile")).toBe(false);
    expect(stepsOf("scep")).toEqual(["scep.getcacaps", "scep.getcacert", "scep.pkioperation", "scep.certpoll", "checkin.scep.getcacaps"]);
    expect(expandedStepsOf("ios-profile")).toContain("ddm.declaration.activation");
    expect(STEP_FAMILIES["command.*"]!.members).toContain("DeviceInformation");
    expect(stepsOf("no-such-flow")).toEqual([]);
  });

  it("unknownStep: typos of family members are unknown, new members of open families are not", () => {
    expect(unknownStep("command.DeviceInformation", ["ios-profile"], closest)).toBeUndefined();
    expect(unknownStep("command.DeviceInformatoin", ["ios-profile"], closest)).toBeDefined();
    expect(unknownStep("command.NoSuchCommand", ["ios-profile"], closest)).toBeUndefined();
    expect(unknownStep("scep.pkioperaton", ["scep"], closest)?.known).toContain("scep.pkioperation");
  });

  it("unknownStep: a name written for the wrong phase gets the names of both phases, each labelled (blind-trial trip-up)", () => {
    // Without the command. part: both the enrollment's and the steady check-in's Idle poll.
    const idle = unknownStep("checkin.idle", ["ios-profile"], closest)?.hint;
    expect(idle).toContain('"checkin.command.idle" (a steady-state check-in\'s step)');
    expect(idle).toContain('"command.idle" (an enrollment step)');
    // The steady TokenUpdate needs the prefix twice; the enrollment one is offered too.
    const tu = unknownStep("checkin.checkin.tokenupdat", ["ios-profile"], closest);
    expect(tu).toBeDefined();
    // Windows: the session only runs in the steady phase with one prefix.
    const dm = unknownStep("checkin.checkin.dm.session", ["windows-byod"], closest)?.hint;
    expect(dm).toContain('"checkin.dm.session" (a steady-state check-in\'s step)');
    expect(dm).toContain("enrollment steps have none");
    // A plain typo keeps the edit-distance did-you-mean (no phase hint).
    expect(unknownStep("scep.pkioperaton", ["scep"], closest)?.hint).toBeUndefined();
  });

  it("every step a flow records is declared (enrollment: success and failure paths)", async () => {
    const undeclared = new Set<string>();
    const seen = new Set<string>();
    for (const file of RUNS) {
      for (const [flow, step] of await recorded(file)) {
        seen.add(flow);
        if (!isStepOf(flow, step)) undeclared.add(`${flow}: ${step} (${file})`);
      }
    }
    expect([...undeclared]).toEqual([]);
    // every flow but the one without a shipped scenario ran
    expect(Object.keys(FLOWS).filter((f) => !seen.has(f))).toEqual(["macos-user-enrollment"]);
  }, 600_000);

  it("every step a steady-state check-in records is declared (checkin.-prefixed)", async () => {
    const undeclared = new Set<string>();
    let checkins = 0;
    for (const file of CHECKIN_RUNS) {
      for (const [flow, step] of await recorded(file, STEADY)) {
        if (step.startsWith("checkin.")) checkins++;
        if (!isStepOf(flow, step)) undeclared.add(`${flow}: ${step} (${file})`);
      }
    }
    expect([...undeclared]).toEqual([]);
    expect(checkins).toBeGreaterThan(0);
  }, 300_000);
});

describe("step registry, static guard", () => {
  it("every literal step name in src/device and src/protocol is declared by some flow", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith(".ts") ? [join(dir, f)] : []));
    const src = join(import.meta.dirname, "../../../src");
    const literal = /\bstep\(\s*[\w.]+,\s*"([a-z][\w.-]*)"/g;
    const undeclared = new Set<string>();
    let seen = 0;
    for (const f of [...files(join(src, "device")), ...files(join(src, "protocol"))]) {
      for (const m of readFileSync(f, "utf8").matchAll(literal)) {
        seen++;
        // A step only a steady-state check-in records (checkin.ts's scep.install) is declared checkin.-prefixed.
        if (!Object.keys(FLOWS).some((flow) => isStepOf(flow, m[1]!) || isStepOf(flow, `checkin.${m[1]!}`))) undeclared.add(`${m[1]} (${f.slice(src.length + 1)})`);
      }
    }
    expect(seen).toBeGreaterThan(40);
    expect([...undeclared]).toEqual([]);
  });
});
