// SPDX-License-Identifier: MIT
/**
 * Managed app installs on the device (device/apple/apps.ts): the install prompt on unsupervised
 * devices, the App Store licence lookup and sign-in, the user cancelling or leaving a prompt (the
 * timeline's abandon/idle reach the steps through the protocol gate), and the ManagedApplicationList
 * statuses, transient ones reported once. Prompts that wait run on virtual time.
 */
import { describe, expect, it } from "vitest";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger } from "../../../src/ports/index.js";
import { SimError } from "../../../src/errors/index.js";
import { AppInstalls, APP_STEPS, type AppHost } from "../../../src/device/apple/apps.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import type { MdmCommand } from "../../../src/wire/apple/mdm.js";
import type { PlistDict } from "../../../src/wire/apple/plist.js";
import { crypto, START } from "./harness.js";

type Licence = "device" | "user" | null;
type Gate = (step: string, clock: VirtualClock) => Promise<void>;

function world(o: { supervised: boolean; licence?: Licence; osVersion?: string; os?: "iOS" | "macOS"; gate?: Gate; store?: boolean; storeBody?: Uint8Array; storeStatus?: number; userApps?: string[] }) {
  const clock = new VirtualClock(START);
  const entropy = new SeededEntropySource("apps").forDevice(0, 1);
  const lookups: string[] = [];
  const http = new InMemoryHttp({
    clock,
    handler: async (req) => {
      lookups.push(req.url);
      const body = { adamId: 719171358, bundleId: "com.microsoft.CompanyPortal", name: "Intune Company Portal", licence: o.licence ?? null };
      return { status: o.storeStatus ?? 200, headers: { "content-type": "application/json" }, body: o.storeBody ?? new Uint8Array(Buffer.from(JSON.stringify(body))), url: req.url };
    },
  });
  const steps: { step: string; ok: boolean }[] = [];
  const notes: Record<string, unknown>[] = [];
  const protocol: ProtocolContext = {
    device: "iphone#0",
    clock,
    crypto,
    entropy,
    http: http.client(),
    transcript: { record: (e) => void (e.kind === "decoded" && notes.push({ step: e.step, ...(e.data as object) })) },
    log: silentLogger,
    timeoutMs: 5000,
    maxResponseBytes: 1 << 20,
    onStep: (s) => void steps.push({ step: s.step, ok: s.ok }),
    ...(o.gate ? { gate: (step: string) => o.gate!(step, clock) } : {}),
  };
  const installed: { identifier: string; itunesStoreId?: number }[] = [];
  const host: AppHost = {
    protocol,
    os: o.os ?? "iOS",
    osVersion: () => o.osVersion ?? "17.6.1",
    supervised: () => o.supervised,
    serialNumber: "F2LXJ0ABCDEF",
    organization: () => "Contoso",
    ...(o.store === false ? {} : { storeBase: "https://ref.test" }),
    userInstalled: (id) => (o.userApps ?? []).includes(id) && !installed.some((a) => a.identifier === id),
    installed: (a) => void installed.push(a),
  };
  return { apps: new AppInstalls(host), clock, steps, notes, installed, lookups };
}

const install = (extra: PlistDict = {}): MdmCommand => ({ commandUUID: "I1", requestType: "InstallApplication", command: { RequestType: "InstallApplication", iTunesStoreID: 719171358, ManagementFlags: 1, Options: { PurchaseMethod: 1 }, ...extra } });
const abandonAt =
  (name: string): Gate =>
  async (step) => {
    if (step === name) throw new SimError("user.abandoned", `the user abandoned enrollment at ${step}`);
  };
const statusOf = (list: PlistDict, id = "com.microsoft.CompanyPortal") => (list[id] as PlistDict | undefined)?.Status;

describe("managed app installs (device/apple/apps.ts)", () => {
  it("unsupervised iOS: Acknowledged State Prompting; the user taps Cancel → UserRejected, reported once, with the prompt text", async () => {
    const w = world({ supervised: false, licence: "device", gate: abandonAt(APP_STEPS.prompt) });
    expect(w.apps.install(install())).toEqual({ State: "Prompting" });
    expect(statusOf(w.apps.list(), "id719171358")).toBe("Prompting");
    await w.apps.runPending();
    expect(statusOf(w.apps.list(["com.microsoft.CompanyPortal"]))).toBe("UserRejected");
    expect(w.apps.list()).toEqual({}); // transient: gone after one report
    expect(w.installed).toEqual([]);
    const out = w.apps.outcomes;
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ task: "app.install-prompt", ok: false, code: "apple.app.user-rejected", shown: { code: "UserRejected" } });
    expect(out[0]!.shown!.text).toBe("“Contoso” is about to install and manage the app “Intune Company Portal” from the App Store. Your iTunes account will not be charged for this app.");
    // That the user tapped Cancel is the diagnosis (the message), not words on the alert.
    expect(out[0]!.message).toMatch(/the user tapped Cancel/);
    expect(w.notes.some((n) => n.step === APP_STEPS.prompt && n.answer === "Cancel")).toBe(true);
  });

  it("supervised with a device licence: no prompt, no Apple Account, straight to Managed", async () => {
    const w = world({ supervised: true, licence: "device" });
    expect(w.apps.install(install())).toEqual({ State: "Queued" });
    await w.apps.runPending();
    expect(w.steps.map((s) => s.step)).toEqual([APP_STEPS.licence]);
    expect(w.lookups[0]).toBe("https://ref.test/apple/appstore/licenses/719171358?serialNumber=F2LXJ0ABCDEF");
    expect(statusOf(w.apps.list())).toBe("Managed");
    expect(statusOf(w.apps.list())).toBe("Managed"); // not transient
    expect(w.installed).toEqual([{ identifier: "com.microsoft.CompanyPortal", name: "Intune Company Portal", itunesStoreId: 719171358 }]);
    expect(w.apps.outcomes).toEqual([]);
    // The transcript says why nobody was asked.
    expect(w.notes.find((n) => n.step === "app.install")).toMatchObject({ installPrompt: "none (supervised)", licence: "device" });
    // RemoveApplication: no longer managed, no longer listed.
    w.apps.remove("com.microsoft.CompanyPortal");
    expect(w.apps.list()).toEqual({});
  });

  it("the same install unsupervised, accepted: the prompt step runs, then Managed (Apple Account text from iOS 18)", async () => {
    const w = world({ supervised: false, licence: "device", osVersion: "18.1" });
    w.apps.install(install());
    await w.apps.runPending();
    expect(w.steps.map((s) => s.step)).toEqual([APP_STEPS.licence, APP_STEPS.prompt]);
    expect(w.notes.find((n) => n.step === APP_STEPS.prompt)!.prompt).toBe("“Contoso” is about to install and manage the app “Intune Company Portal” from the App Store. Your Apple Account will not be charged for this app.");
    expect(statusOf(w.apps.list())).toBe("Managed");
  });

  it("a user licence needs the App Store sign-in; a user who never signs in leaves it PromptingForLogin (not transient)", async () => {
    const w = world({ supervised: true, licence: "user", gate: abandonAt(APP_STEPS.signIn) });
    w.apps.install(install());
    await w.apps.runPending();
    expect(statusOf(w.apps.list())).toBe("PromptingForLogin");
    expect(statusOf(w.apps.list())).toBe("PromptingForLogin");
    expect(w.apps.outcomes[0]).toMatchObject({ code: "apple.app.store-sign-in-pending", shown: { code: "PromptingForLogin" } });
    expect(w.installed).toEqual([]);
  });

  it("an App Store app without volume purchase (PurchaseMethod 0) needs the Apple Account too; signed in by default", async () => {
    const w = world({ supervised: true, licence: null });
    w.apps.install(install({ Options: { PurchaseMethod: 0 } }));
    await w.apps.runPending();
    expect(w.steps.map((s) => s.step)).toEqual([APP_STEPS.licence, APP_STEPS.signIn]);
    expect(statusOf(w.apps.list())).toBe("Managed");
  });

  it("a volume-purchase install without any licence Fails, reported once", async () => {
    const w = world({ supervised: true, licence: null });
    w.apps.install(install());
    await w.apps.runPending();
    expect(statusOf(w.apps.list())).toBe("Failed");
    expect(w.apps.list()).toEqual({});
    expect(w.apps.outcomes[0]).toMatchObject({ task: APP_STEPS.licence, code: "apple.app.install-failed", shown: { code: "Failed" } });
  });

  it("a user who leaves the prompt open: Prompting for the whole idle (virtual time), then Managed", async () => {
    const idleMs = 2 * 3_600_000;
    const w = world({ supervised: false, licence: "device", gate: async (step, clock) => void (step === APP_STEPS.prompt && (await clock.sleep(idleMs))) });
    w.apps.install(install());
    const running = w.apps.runPending();
    await w.clock.advance(idleMs - 1);
    expect(statusOf(w.apps.list(), "com.microsoft.CompanyPortal")).toBe("Prompting");
    await w.clock.advance(1);
    await running;
    expect(statusOf(w.apps.list())).toBe("Managed");
    expect(w.clock.now() - START).toBe(idleMs);
  });

  it("an enterprise app (ManifestURL) prompts without 'from the App Store'; macOS installs without prompts; no store: the command's licence is taken", async () => {
    const w = world({ supervised: false, store: false });
    w.apps.install({ commandUUID: "M", requestType: "InstallApplication", command: { RequestType: "InstallApplication", ManifestURL: "https://apps.contoso.test/field.plist" } });
    await w.apps.runPending();
    expect(w.notes.find((n) => n.step === APP_STEPS.prompt)!.prompt).toBe("“Contoso” is about to install and manage the app “manifest.0”. Your iTunes account will not be charged for this app.");
    expect(w.lookups).toEqual([]);
    const mac = world({ supervised: false, os: "macOS", licence: "device" });
    expect(mac.apps.install(install())).toEqual({ State: "Queued" });
    await mac.apps.runPending();
    expect(mac.steps.map((s) => s.step)).toEqual([APP_STEPS.licence]);
    expect(statusOf(mac.apps.list())).toBe("Managed");
  });

  it("a hostile or broken App Store answer never crashes the device: no licence found, the volume-purchase install Fails", async () => {
    const answers = [Buffer.from("<html>maintenance</html>"), Buffer.from('{"licence":"device","bundleId":"' + "x".repeat(5000) + '"}'), Buffer.from("[1,2]"), Buffer.from('{"licence":{"$gt":""}}')];
    for (const body of answers) {
      const w = world({ supervised: true, storeBody: new Uint8Array(body) });
      w.apps.install(install());
      await w.apps.runPending();
      const list = w.apps.list();
      const status = Object.values(list).map((v) => (v as PlistDict).Status);
      // The over-long bundle id is ignored; a licence claim inside garbage is not believed unless it is one of the two words.
      expect(status.length).toBe(1);
      if (body.includes('"licence":"device"')) expect(status[0]).toBe("Managed");
      else expect(status[0]).toBe("Failed");
    }
    const unreachable = world({ supervised: true, storeStatus: 503 });
    unreachable.apps.install(install());
    await unreachable.apps.runPending();
    expect(unreachable.apps.outcomes[0]).toMatchObject({ code: "apple.app.install-failed", shown: { code: "Failed" } });
    // The transport error is enrollsim's diagnosis (the message); the device's words carry none of it, and the condition is unpublished.
    expect(unreachable.apps.outcomes[0]!.shown).toMatchObject({ text: "The app “id719171358” could not be installed.", unknown: { raw: "the App Store could not be reached", of: "condition" } });
    expect(unreachable.apps.outcomes[0]!.message).toMatch(/App Store could not be reached \(.*503/);
  });

  it("a copy the user installed: UserInstalledApp without ChangeManagementState; with it, asked when unsupervised (Cancel: ManagementRejected), silent when supervised", async () => {
    const plain = world({ supervised: false, licence: "device", userApps: ["com.microsoft.CompanyPortal"] });
    plain.apps.install(install());
    await plain.apps.runPending();
    expect(statusOf(plain.apps.list())).toBe("UserInstalledApp");
    expect(plain.apps.list()).toEqual({});
    expect(plain.apps.outcomes[0]).toMatchObject({ code: "apple.app.user-installed", shown: { code: "UserInstalledApp" } });
    expect(plain.steps.map((s) => s.step)).toEqual([APP_STEPS.licence]); // no install prompt for an app already there

    const declined = world({ supervised: false, licence: "device", userApps: ["com.microsoft.CompanyPortal"], gate: abandonAt(APP_STEPS.management) });
    expect(declined.apps.install(install({ Identifier: "com.microsoft.CompanyPortal", ChangeManagementState: "Managed" }))).toEqual({ Identifier: "com.microsoft.CompanyPortal", State: "PromptingForManagement" });
    await declined.apps.runPending();
    expect(statusOf(declined.apps.list())).toBe("ManagementRejected");
    expect(declined.apps.outcomes[0]!.shown!.text).toBe("Would you like to let “Contoso” take management of the app “Intune Company Portal”? The app will close and your app data will become managed.");
    expect(declined.apps.outcomes[0]!.message).toMatch(/the user tapped Cancel/);
    expect(declined.installed).toEqual([]);

    const silent = world({ supervised: true, licence: "device", userApps: ["com.microsoft.CompanyPortal"] });
    silent.apps.install(install({ ChangeManagementState: "Managed" }));
    await silent.apps.runPending();
    expect(silent.steps.map((s) => s.step)).toEqual([APP_STEPS.licence]);
    expect(statusOf(silent.apps.list())).toBe("Managed");
    expect(silent.installed.map((a) => a.identifier)).toEqual(["com.microsoft.CompanyPortal"]);
  });
});
