// SPDX-License-Identifier: MIT
/**
 * Every command schema in Apple's YAML (via the generated data): a valid command gets its
 * response shape (or an Error whose reason is a schema rule for this device), a missing required
 * key or a wrong-typed key gets CommandFormatError. Plus per-command behaviours and state effects.
 */
import { describe, expect, it } from "vitest";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger } from "../../../src/ports/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { createDeviceIdentity } from "../../../src/device/identity.js";
import { AppleDevice } from "../../../src/device/apple/state.js";
import { updateOs } from "../../../src/device/os-update.js";
import { SCHEMA_BY_TYPE, checkKeys, osBlock, synthesize, type CommandBehaviour } from "../../../src/device/apple/commands.js";
import { answerCommand } from "../../../src/device/apple/answer.js";
import { stateBlock } from "../../../src/device/apple/command-states.js";
import { COMMAND_SCHEMAS } from "../../../src/wire/apple/generated-data.js";
import type { FlowContext } from "../../../src/device/flow.js";
import type { PlistDict } from "../../../src/wire/apple/plist.js";
import type { SchemaKey } from "../../../src/wire/apple/schema-types.js";
import { testKeys } from "../../support/scep-harness.js";
import { crypto, START } from "./harness.js";

const catalog = loadCatalog();

async function device(model: string, opts: { supervised?: boolean; ade?: boolean; behaviours?: Record<string, CommandBehaviour>; rights?: number } = {}): Promise<AppleDevice> {
  const clock = new VirtualClock(START);
  const entropy = new SeededEntropySource("commands").forDevice(0, 3);
  const identity = createDeviceIdentity(catalog.get(model), entropy, 3);
  const http = new InMemoryHttp({ clock, handler: async () => ({ status: 404, headers: {}, body: new Uint8Array(0), url: "" }) });
  const transcript = { record: () => {} };
  const ctx: FlowContext = {
    identity,
    ports: { clock, crypto, entropy, http, dns: { resolveCname: async () => [], resolve4: async () => [] }, keys: await testKeys(), transcript, log: silentLogger },
    protocol: { device: identity.id, clock, crypto, entropy, http: http.client(), transcript, log: silentLogger, timeoutMs: 5000, maxResponseBytes: 1 << 20 },
    targets: {},
  };
  const dev = new AppleDevice(ctx, opts.behaviours ?? {}, { supervised: opts.supervised });
  dev.ade = opts.ade ?? false;
  dev.accessRights = opts.rights ?? 8191;
  dev.installer = async () => undefined;
  return dev;
}

/** A schema-valid value for a payload key (types right; content plausible). */
function valid(k: SchemaKey): unknown {
  if (k.type === "array") {
    const item = k.subkeys?.length === 1 ? k.subkeys[0]! : undefined;
    if (!item) return [];
    if (item.type === "dictionary") return [Object.fromEntries((item.subkeys ?? []).filter((s) => s.presence === "required" && !s.key.startsWith("ANY ")).map((s) => [s.key, valid(s)]))];
    return [synthesize(item, "iOS")];
  }
  if (k.type === "dictionary") return Object.fromEntries((k.subkeys ?? []).filter((s) => s.presence === "required" && !s.key.startsWith("ANY ")).map((s) => [s.key, valid(s)]));
  return synthesize(k, "iOS");
}

function validCommand(requestType: string): PlistDict {
  const s = SCHEMA_BY_TYPE.get(requestType)!;
  const c: PlistDict = { RequestType: requestType };
  for (const k of s.payloadKeys) if (k.presence === "required") c[k.key] = valid(k) as never;
  return c;
}

const wrongValue = (type: string) => (type === "string" ? 42 : "wrong");

describe("every command schema", () => {
  it("the generated data covers all 66 schemas with distinct request types", () => {
    expect(COMMAND_SCHEMAS.length).toBe(66);
    expect(SCHEMA_BY_TYPE.size).toBe(66);
  });

  for (const model of ["iphone-15", "macbook-air-m3"]) {
    it(`${model}: valid → response shape or a rule-based Error; missing/wrong-typed required key → CommandFormatError`, async () => {
      const dev = await device(model, { supervised: true, ade: true });
      let acknowledged = 0;
      let ruled = 0;
      for (const s of COMMAND_SCHEMAS) {
        const cmd = { commandUUID: `v-${s.requestType}`, requestType: s.requestType, command: validCommand(s.requestType) };
        expect(checkKeys(cmd.command, s.payloadKeys, ""), s.requestType).toBeUndefined();
        const a = await answerCommand(dev, cmd);
        const rule = osBlock(s.os[dev.osName], dev.ruleContext());
        const state = rule ? undefined : stateBlock(s.requestType, dev);
        if (state) {
          expect(a.status, s.requestType).toBe("Error");
          expect(a.errorChain![0]).toMatchObject({ ErrorDomain: state.chain[0]!.ErrorDomain, ErrorCode: state.chain[0]!.ErrorCode });
          ruled++;
        } else if (rule) {
          expect(a.status, `${s.requestType}: ${rule}`).toBe("Error");
          expect(a.errorChain![0]!.ErrorDomain).toBe("MCMDMErrorDomain");
          ruled++;
        } else {
          expect(a.status, s.requestType).toBe("Acknowledged");
          expect(checkKeys(a.extra ?? {}, s.responseKeys.filter((k) => !k.os || k.os[dev.osName]?.introduced !== "n/a"), ""), s.requestType).toBeUndefined();
          acknowledged++;
        }
        for (const k of s.payloadKeys.filter((x) => x.presence === "required")) {
          const missing = { ...cmd.command };
          delete missing[k.key];
          expect((await answerCommand(dev, { ...cmd, commandUUID: `m-${s.requestType}`, command: missing })).status, `${s.requestType} without ${k.key}`).toBe("CommandFormatError");
          if (k.type !== "any") {
            const wrong = { ...cmd.command, [k.key]: wrongValue(k.type) } as PlistDict;
            expect((await answerCommand(dev, { ...cmd, commandUUID: `w-${s.requestType}`, command: wrong })).status, `${s.requestType} with wrong ${k.key}`).toBe("CommandFormatError");
          }
        }
        if (dev.erased) {
          dev.erased = false;
        }
      }
      expect(acknowledged).toBeGreaterThan(20);
      expect(ruled).toBeGreaterThan(3);
    });
  }

  it("unknown request types get Error MCMDMErrorDomain 12021", async () => {
    const dev = await device("iphone-15");
    const a = await answerCommand(dev, { commandUUID: "x", requestType: "Frobnicate", command: { RequestType: "Frobnicate" } });
    expect(a).toMatchObject({ status: "Error", errorChain: [{ ErrorCode: 12021, ErrorDomain: "MCMDMErrorDomain" }] });
  });
});

describe("query responses", () => {
  it("DeviceInformation answers every query key available on iOS with the schema type and this device's values", async () => {
    const dev = await device("iphone-15");
    const s = SCHEMA_BY_TYPE.get("DeviceInformation")!;
    const all = s.payloadKeys[0]!.subkeys![0]!.subkeys!.map((k) => k.key);
    expect(all.length).toBe(85);
    const a = await answerCommand(dev, { commandUUID: "q", requestType: "DeviceInformation", command: { RequestType: "DeviceInformation", Queries: all } });
    const q = a.extra!.QueryResponses as PlistDict;
    const resp = s.responseKeys[0]!.subkeys!;
    for (const k of resp) {
      if (k.os?.iOS?.introduced === "n/a") expect(q[k.key], k.key).toBeUndefined();
    }
    expect(checkKeys(q, resp.map((k) => ({ ...k, presence: "optional" as const })), "")).toBeUndefined();
    const id = dev.ctx.identity;
    expect(q).toMatchObject({ UDID: id.udid, SerialNumber: id.serialNumber, ProductName: "iPhone15,4", OSVersion: id.os.version, BuildVersion: id.os.build, IMEI: id.imei, IsSupervised: false });
    expect(Object.keys(q).length).toBeGreaterThan(60);
    expect(q.ProvisioningUDID).toBeUndefined(); // macOS only
  });

  it("a Mac answers macOS values; Apple-silicon and host names present", async () => {
    const dev = await device("macbook-air-m3");
    const a = await answerCommand(dev, { commandUUID: "q", requestType: "DeviceInformation", command: { RequestType: "DeviceInformation", Queries: ["UDID", "IsAppleSilicon", "HostName", "IMEI", "ProvisioningUDID"] } });
    const q = a.extra!.QueryResponses as PlistDict;
    expect(q.IsAppleSilicon).toBe(true);
    expect(q.ProvisioningUDID).toBe(q.UDID);
    expect(q.IMEI).toBeUndefined();
  });

  it("SecurityInfo, Restrictions, ManagedApplicationList, ProvisioningProfileList and AvailableOSUpdates have their schema shapes", async () => {
    const dev = await device("iphone-15", { supervised: true, ade: true });
    for (const t of ["SecurityInfo", "Restrictions", "ManagedApplicationList", "ProvisioningProfileList", "AvailableOSUpdates", "CertificateList", "ProfileList", "InstalledApplicationList"]) {
      const a = await answerCommand(dev, { commandUUID: t, requestType: t, command: { RequestType: t } });
      expect(a.status, t).toBe("Acknowledged");
      expect(checkKeys(a.extra!, SCHEMA_BY_TYPE.get(t)!.responseKeys, ""), t).toBeUndefined();
    }
    const si = (await answerCommand(dev, { commandUUID: "s", requestType: "SecurityInfo", command: { RequestType: "SecurityInfo" } })).extra!.SecurityInfo as PlistDict;
    expect(si).toMatchObject({ HardwareEncryptionCaps: 3, PasscodePresent: true });
  });
});

describe("rules, behaviours and state effects", () => {
  it("supervised-only commands fail on an unsupervised phone; access rights are honoured", async () => {
    const dev = await device("iphone-15", { rights: 1 | 16 });
    const lost = await answerCommand(dev, { commandUUID: "l", requestType: "EnableLostMode", command: { RequestType: "EnableLostMode", Message: "x" } });
    expect(lost.status).toBe("Error");
    expect(lost.errorChain![0]!.LocalizedDescription).toMatch(/not supervised/);
    const lock = await answerCommand(dev, { commandUUID: "k", requestType: "DeviceLock", command: { RequestType: "DeviceLock" } });
    expect(lock).toMatchObject({ status: "Error", errorChain: [{ ErrorCode: 12025 }] });
  });

  it("NotNow N times per command UUID, then runs; errorRate 1 always errors; ack delay uses the device clock", async () => {
    const dev = await device("iphone-15", { behaviours: { InstallApplication: { notNow: 2 }, SecurityInfo: { errorRate: 1 }, ProfileList: { ackDelayMs: 5000 } } });
    const cmd = { commandUUID: "a", requestType: "InstallApplication", command: { RequestType: "InstallApplication", iTunesStoreID: 1 } };
    expect((await answerCommand(dev, cmd)).status).toBe("NotNow");
    expect((await answerCommand(dev, cmd)).status).toBe("NotNow");
    expect((await answerCommand(dev, cmd)).status).toBe("Acknowledged");
    // The install goes on between sessions (apps.ts): prompt, App Store sign-in, then Managed.
    await dev.appInstalls.runPending();
    expect(dev.apps.some((x) => x.identifier === "id1" && x.managed)).toBe(true);
    expect((await answerCommand(dev, { commandUUID: "s", requestType: "SecurityInfo", command: { RequestType: "SecurityInfo" } })).status).toBe("Error");
    const clock = dev.ctx.protocol.clock as VirtualClock;
    const t0 = clock.now();
    const p = answerCommand(dev, { commandUUID: "p", requestType: "ProfileList", command: { RequestType: "ProfileList" } });
    await clock.advance(5000);
    expect((await p).status).toBe("Acknowledged");
    expect(clock.now() - t0).toBe(5000);
  });

  it("an OS update of the running device (the timeline's state.os, device/os-update.ts): DeviceInformation answers the new release; ScheduleOSUpdate lands on the identity too", async () => {
    const dev = await device("iphone-15", { supervised: true });
    const info = async () => (await answerCommand(dev, { commandUUID: "q", requestType: "DeviceInformation", command: { RequestType: "DeviceInformation", Queries: ["OSVersion", "BuildVersion"] } })).extra!.QueryResponses as PlistDict;
    const before = await info();
    expect(before.OSVersion).toBe(dev.ctx.identity.os.version);
    expect(updateOs(dev.ctx.identity, "os", { version: "26.1", build: "23B85" })).toBe("updated");
    expect(await info()).toMatchObject({ OSVersion: "26.1", BuildVersion: "23B85" });
    await answerCommand(dev, { commandUUID: "u", requestType: "ScheduleOSUpdate", command: { RequestType: "ScheduleOSUpdate", Updates: [{ ProductKey: "iOSUpdate23C55", InstallAction: "InstallASAP", ProductVersion: "26.2" }] } });
    expect(dev.ctx.identity.os.version).toBe("26.2");
  });
  it("AccountConfiguration runs only while the Mac awaits configuration; released, it answers MDMDeviceEnrollment 101 (fleetdm/fleet#46550)", async () => {
    const dev = await device("macbook-air-m3", { ade: true });
    const accountConfiguration = { RequestType: "AccountConfiguration", AutoSetupAdminAccounts: [{ shortName: "_admin", passwordHash: new Uint8Array(4) }] } as PlistDict;
    dev.awaitingConfiguration = true;
    expect((await answerCommand(dev, { commandUUID: "a1", requestType: "AccountConfiguration", command: accountConfiguration })).status).toBe("Acknowledged");
    expect((await answerCommand(dev, { commandUUID: "dc", requestType: "DeviceConfigured", command: { RequestType: "DeviceConfigured" } })).status).toBe("Acknowledged");
    const late = await answerCommand(dev, { commandUUID: "a2", requestType: "AccountConfiguration", command: accountConfiguration });
    expect(late.status).toBe("Error");
    expect(late.errorChain).toEqual([{ ErrorCode: 101, ErrorDomain: "MDMDeviceEnrollment", LocalizedDescription: "Device is not AwaitingConfiguration", USEnglishDescription: "Device is not AwaitingConfiguration" }]);
  });
  it("Settings(DeviceName), DeviceConfigured, DeviceLock, EraseDevice, RemoveApplication, ScheduleOSUpdate change the device", async () => {
    const dev = await device("iphone-15", { supervised: true, ade: true });
    const run = (t: string, extra: PlistDict = {}) => answerCommand(dev, { commandUUID: t, requestType: t, command: { RequestType: t, ...extra } });
    await run("Settings", { Settings: [{ Item: "DeviceName", DeviceName: "Renamed" }] });
    expect(dev.deviceName).toBe("Renamed");
    dev.awaitingConfiguration = true;
    await run("DeviceConfigured");
    expect(dev).toMatchObject({ awaitingConfiguration: false, configured: true });
    await run("DeviceLock");
    expect(dev.locked).toBe(true);
    await run("RemoveApplication", { Identifier: "com.apple.MobileSMS" });
    expect(dev.apps.some((a) => a.identifier === "com.apple.MobileSMS")).toBe(false);
    await run("ScheduleOSUpdate", { Updates: [{ ProductKey: "iOSUpdate22F76", InstallAction: "InstallASAP", ProductVersion: "18.5" }] });
    expect(dev.osVersion).toBe("18.5");
    await run("EraseDevice");
    expect(dev.erased).toBe(true);
  });
});
