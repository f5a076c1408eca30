// SPDX-License-Identifier: MIT
/** Apple flows end to end against the in-memory reference server, on virtual time. */
import { describe, expect, it } from "vitest";
import { SimError } from "../../../src/errors/index.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { buildProfileDict, payloadHeader } from "../../../src/wire/apple/profile.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { appleWorld } from "./harness.js";

describe("apple flows (virtual time, in-memory server)", () => {
  it("ios-profile: signed profile → SCEP → Authenticate → TokenUpdate → commands (mTLS)", async () => {
    const w = await appleWorld({ commands: [{ requestType: "DeviceInformation", payload: { Queries: ["DeviceName", "SerialNumber", "OSVersion"] } }, { requestType: "ProfileList" }] });
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-profile");
    expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
    expect(r.keychain.identities).toHaveLength(1);
    expect(w.apple.stats.checkins).toMatchObject({ Authenticate: 1, TokenUpdate: 1 });
    expect(w.apple.stats.results).toMatchObject({ Acknowledged: 2 });
    const d = [...w.apple.devices.values()][0]!;
    expect(d.udid).toBe(dev.identity.udid);
    expect(d.serialNumber).toBe(dev.identity.serialNumber);
  });

  it("macos-profile with SignMessage: every request carries Mdm-Signature; CheckOut when removed", async () => {
    const w = await appleWorld({ signMessage: true, commands: [{ requestType: "SecurityInfo" }] });
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-profile", { apple: { unenrollAtEnd: true } });
    expect(r).toMatchObject({ ok: true, code: "apple.unenrolled" });
    expect(w.apple.stats.checkins).toMatchObject({ Authenticate: 1, TokenUpdate: 1, CheckOut: 1 });
    expect(w.apple.stats.rejected).toEqual({});
  });

  it("ios-ade: MachineInfo → profile → AwaitingConfiguration → DeviceConfigured → TokenUpdate(false)", async () => {
    const w = await appleWorld({ commands: [{ requestType: "Settings", payload: { Settings: [{ Item: "DeviceName", DeviceName: "Corp" }] } }] });
    const dev = await w.device("iphone-15", 2);
    const r = await w.run(dev, "ios-ade");
    expect(r).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    expect(w.apple.stats).toMatchObject({ adeEnrollments: 1, checkins: { Authenticate: 1, TokenUpdate: 2 } });
    const d = [...w.apple.devices.values()][0]!;
    expect(d.results.map((x) => x.requestType)).toEqual(["Settings", "DeviceConfigured"]);
    expect(d.awaitingConfiguration).toBe(false);
    const events = dev.transcriptSink.events();
    expect(events.some((e) => e.step === "ade.machineinfo" && e.kind === "decoded")).toBe(true);
  });

  it("ios-ade gets its cloud configuration from the stand-in (anchor_certs, department); 404 → not assigned", async () => {
    const w = await appleWorld({ cloudConfig: { department: "Finance" } });
    const dev = await w.device("iphone-15");
    expect(await w.run(dev, "ios-ade", { apple: { signature: "require-trusted" } })).toMatchObject({ ok: true });
    const cc = dev.transcriptSink.events().find((e) => e.step === "ade.cloudconfig" && e.kind === "decoded");
    expect(cc?.data).toMatchObject({ department: "Finance", await_device_configured: true });
    const w2 = await appleWorld();
    w2.apple.policy.holder.set("ade.profiles", []); // the tenant's ABM assigns no profile to any serial
    expect(await w2.run(await w2.device("iphone-15"), "ios-ade")).toMatchObject({ ok: false, code: "apple.ade.device-not-assigned", step: "ade.cloudconfig" });
  });

  it("ios-ade without DeviceConfigured: stuck at Remote Management after the await budget (virtual time)", async () => {
    // The server's command queue never delivers: every command poll gets 200 with no command.
    const w = await appleWorld({}, {}, (h) => async (req) => (new URL(req.url).pathname === "/apple/mdm" ? { status: 200, headers: {}, body: new Uint8Array() } : h(req)));
    const dev = await w.device("iphone-15");
    const t0 = w.clock.now();
    const r = await w.run(dev, "ios-ade", { apple: { ade: { awaitTimeoutSeconds: 600, pollSeconds: 30 } } });
    expect(r).toMatchObject({ ok: false, code: "apple.ade.stuck-at-remote-management", step: "ade.await-configuration" });
    expect(w.clock.now() - t0).toBeGreaterThanOrEqual(600_000);
    expect(w.clock.now() - t0).toBeLessThan(700_000);
    expect(r.message).toMatch(/Remote Management/);
  });

  it("macos-ade via the web view, with 401 Basic answered from the scenario", async () => {
    const w = await appleWorld({ basicAuth: { username: "setup", password: "pa55word" } });
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-ade", { apple: { ade: { cloudConfig: { configuration_web_url: "/apple/ade/enroll" }, basicAuth: { username: "setup", password: "pa55word" } } } });
    expect(r).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    const denied = await w.run(await w.device("macbook-air-m3", 1), "macos-ade");
    expect(denied).toMatchObject({ ok: false, code: "apple.ade.auth-failed" });
    expect(JSON.stringify(dev.transcriptSink.events())).not.toContain(Buffer.from("setup:pa55word").toString("base64"));
  });

  it("the ADE profile's minimum OS: iOS 17+ is asked (403 softwareupdate.required), updates at ade.software-update and reports the new OS; iOS 16 cannot be asked and enrolls as it is", async () => {
    const policy = { ade: { profiles: [{ name: "Corporate", default: true, minimumOs: { version: "26.0", build: "23A341" } }] } };
    const w = await appleWorld({ commands: [{ requestType: "DeviceInformation", payload: { Queries: ["OSVersion", "BuildVersion"] } }] }, {}, undefined, policy);
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-ade");
    expect(r).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    const events = dev.transcriptSink.events();
    const infos = events.filter((e) => e.kind === "decoded" && e.step === "ade.machineinfo").map((e) => e.data as Record<string, unknown>);
    expect(infos.map((i) => [i.OS_VERSION, i.MDM_CAN_REQUEST_SOFTWARE_UPDATE])).toEqual([
      [infos[0]!.OS_VERSION, true],
      ["26.0", true],
    ]);
    // The update's download went to the embedded stand-in for Apple's software-update service.
    expect(events.some((e) => e.kind === "http" && e.step === "ade.software-update" && JSON.stringify(e.data).includes("/apple/ade/softwareupdate?"))).toBe(true);
    expect(JSON.stringify(events.filter((e) => e.step === "command.DeviceInformation"))).toContain("23A341");
    // An older OS cannot be asked for an update: the server lets it through as it is (no ade.software-update).
    const old = await w.device("iphone-15", 1, { os: { version: "16.7.10", build: "20H350" } });
    const r2 = await w.run(old, "ios-ade");
    expect(r2).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    expect(old.transcriptSink.events().some((e) => e.step === "ade.software-update")).toBe(false);
    // A device already at the minimum is not asked.
    const w2 = await appleWorld({}, {}, undefined, { ade: { profiles: [{ name: "Corporate", default: true, minimumOs: { version: "17.0" } }] } });
    const current = await w2.device("iphone-15", 2);
    expect(await w2.run(current, "ios-ade")).toMatchObject({ ok: true });
    expect(current.transcriptSink.events().some((e) => e.step === "ade.software-update")).toBe(false);
  });

  it("a server that still asks after the update, or asks a device that cannot be asked, stops Setup Assistant with the shown code", async () => {
    // A stand-in server that answers every enrollment request 403 softwareupdate.required.
    const always: (h: HttpHandler) => HttpHandler = (h) => async (req) =>
      new URL(req.url).pathname === "/apple/ade/enroll"
        ? { status: 403, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify({ code: "com.apple.softwareupdate.required", message: "Update first.", details: { OSVersion: "26.1" } }))), url: req.url }
        : h(req);
    const w = await appleWorld({}, {}, always);
    const r = await w.run(await w.device("iphone-15"), "ios-ade");
    expect(r).toMatchObject({ ok: false, code: "apple.ade.software-update-required", step: "ade.enroll", shown: { code: "com.apple.softwareupdate.required", text: "Update first." } });
    expect(r.message).toContain("still does after the update to 26.1");
    const old = await w.run(await w.device("iphone-15", 1, { os: { version: "16.7.10", build: "20H350" } }), "ios-ade");
    expect(old).toMatchObject({ ok: false, code: "apple.ade.software-update-required" });
    expect(old.message).toContain("iOS 16.7.10 cannot perform an update during enrollment");
  });

  it("InstallProfile with a nested SCEP payload really runs SCEP; EraseDevice resets the device", async () => {
    const nested = buildPlistBytes(
      buildProfileDict({
        identifier: "com.example.wifi-cert",
        uuid: "N-1",
        displayName: "Wi-Fi identity",
        payloads: [{ ...payloadHeader("com.apple.security.scep", "com.example.wifi-cert.scep", "N-2", "SCEP"), PayloadContent: { URL: "http://ref.test/scep", Challenge: "nested-challenge", Subject: [[["CN", "%SerialNumber%-wifi"]]], Keysize: 2048 } }],
      }),
    );
    const w = await appleWorld({ commands: [{ requestType: "InstallProfile", payload: { Payload: { $data: Buffer.from(nested).toString("base64") } } }, { requestType: "CertificateList" }] }, { challenge: "nested-challenge" });
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-profile");
    expect(r.ok).toBe(true);
    expect(r.keychain.identities).toHaveLength(2);
    expect(w.ref.scep.stats.issued).toBe(2);
    const w2 = await appleWorld({ commands: [{ requestType: "EraseDevice" }] });
    expect(await w2.run(await w2.device("iphone-15", 0, { supervised: true }), "ios-profile")).toMatchObject({ ok: true, code: "apple.erased" });
  });

  it("a profile URL answering the wrong content type ends the device's flow with a typed error naming the step", async () => {
    const w = await appleWorld({}, {}, (h) => async (req) => {
      const res = await h(req);
      return new URL(req.url).pathname === "/apple/enroll" ? { ...res, headers: { "content-type": "text/html" } } : res;
    });
    const err = await w.run(await w.device("iphone-15"), "ios-profile").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimError);
    expect(err).toMatchObject({ code: "apple.profile.content-type", step: "profile.download", device: "iphone-15#0" });
  });

  it("the transcript holds no SCEP challenge, push token or PushMagic", async () => {
    const w = await appleWorld({}, { challenge: "very-secret-challenge" });
    const dev = await w.device("iphone-15");
    expect((await w.run(dev, "ios-profile")).ok).toBe(true);
    const text = JSON.stringify(dev.transcriptSink.events());
    expect(text).not.toContain("very-secret-challenge");
    expect(text).toContain("checkin.tokenupdate");
    expect(text).not.toMatch(/"PushMagic":"[0-9A-F-]{36}"/);
  });
});

describe("polling and profile updates", () => {
  it("sessions.min makes the device poll on its clock; REST-enqueued commands are picked up by a later session", async () => {
    const w = await appleWorld();
    const dev = await w.device("iphone-15");
    const t0 = w.clock.now();
    const run = w.run(dev, "ios-profile", { apple: { sessions: { min: 3, max: 3, pollSeconds: 60 } } });
    // Enqueue through the REST API once the device has enrolled.
    const enqueue = (async () => {
      while (![...w.apple.devices.values()].length) await w.clock.sleep(1000);
      const udid = [...w.apple.devices.keys()][0]!;
      await w.apple.handler({ method: "POST", url: "https://ref.test/apple/api/commands", body: new Uint8Array(Buffer.from(JSON.stringify({ udid, requestType: "DeviceLock" }))) });
    })();
    const r = await run;
    await enqueue;
    expect(r.ok).toBe(true);
    expect(w.clock.now() - t0).toBeGreaterThanOrEqual(120_000);
    expect([...w.apple.devices.values()][0]!.results.map((x) => x.requestType)).toEqual(["DeviceLock"]);
  });
});

describe("erase and re-enroll", () => {
  it("EraseDevice resets the device: the ADE flow ends apple.erased (what it does next is the timeline's)", async () => {
    const w = await appleWorld({ commands: [{ requestType: "EraseDevice" }] });
    expect(await w.run(await w.device("iphone-15"), "ios-ade")).toMatchObject({ ok: true, code: "apple.erased" });
    expect(w.apple.stats).toMatchObject({ adeEnrollments: 1, checkins: { Authenticate: 1 } });
  });
});

describe("server-driven unenrollment", () => {
  it("RemoveProfile of the enrollment profile: the device sends CheckOut and leaves management", async () => {
    const w = await appleWorld({ commands: [{ requestType: "RemoveProfile", payload: { Identifier: "com.enrollsim.ref.enrollment" } }] });
    const r = await w.run(await w.device("iphone-15"), "ios-profile");
    expect(r).toMatchObject({ ok: true, code: "apple.unenrolled.by-server" });
    expect(r.keychain.identities).toHaveLength(0);
    expect(w.apple.stats.checkins.CheckOut).toBe(1);
    expect([...w.apple.devices.values()][0]!.checkedOut).toBe(true);
  });

  it("a server whose MDM payload says CheckOutWhenRemoved false (profile set) is not told of the removal", async () => {
    const w = await appleWorld({ commands: [{ requestType: "RemoveProfile", payload: { Identifier: "com.enrollsim.ref.enrollment" } }], profile: { set: { "com.apple.mdm/CheckOutWhenRemoved": false } } });
    const r = await w.run(await w.device("iphone-15"), "ios-profile");
    expect(r).toMatchObject({ ok: true, code: "apple.unenrolled.by-server" });
    expect(w.apple.stats.checkins.CheckOut ?? 0).toBe(0);
    expect([...w.apple.devices.values()][0]!.checkedOut).toBeFalsy();
  });
});

describe("encrypted profiles", () => {
  it("InstallProfile with EncryptedPayloadContent for the device identity installs; for another identity it is refused", async () => {
    const { buildEnvelopedData } = await import("../../../src/wire/cms/enveloped-data.js");
    const { parseCertificate } = await import("../../../src/wire/x509/certificate.js");
    const { crypto } = await import("./harness.js");
    const w = await appleWorld();
    const dev = await w.device("iphone-15");
    const results: string[] = [];
    const run = w.run(dev, "ios-profile", { apple: { sessions: { min: 3, max: 3, pollSeconds: 60 } } });
    const script = (async () => {
      while (![...w.apple.devices.values()].length) await w.clock.sleep(1000);
      const udid = [...w.apple.devices.keys()][0]!;
      const info = JSON.parse(Buffer.from((await w.apple.handler({ method: "GET", url: `https://ref.test/apple/api/devices/${udid}` })).body).toString());
      const deviceCert = parseCertificate(new Uint8Array(Buffer.from(info.identityCertificate, "base64")));
      const inner = buildPlistBytes([{ ...payloadHeader("com.apple.security.root", "com.example.enc.root", "E-2", "root"), PayloadContent: w.ref.scep.id.ca.der }]);
      const encrypted = (to: typeof deviceCert) =>
        buildPlistBytes({
          PayloadType: "Configuration",
          PayloadVersion: 1,
          PayloadIdentifier: `com.example.enc.${to.serialHex}`,
          PayloadUUID: `E-${to.serialHex}`,
          EncryptedPayloadContent: buildEnvelopedData({ content: inner, recipient: to, cipher: "aes-256-cbc", random: (n) => new Uint8Array(n).fill(3) }, crypto),
        });
      for (const to of [deviceCert, w.ref.scep.id.ca]) {
        await w.apple.handler({
          method: "POST",
          url: "https://ref.test/apple/api/commands",
          body: new Uint8Array(Buffer.from(JSON.stringify({ udid, requestType: "InstallProfile", payload: { Payload: { $data: Buffer.from(encrypted(to)).toString("base64") } } }))),
        });
      }
      results.push(udid);
    })();
    expect((await run).ok).toBe(true);
    await script;
    const d = w.apple.devices.get(results[0]!)!;
    expect(d.results.map((r) => r.status)).toEqual(["Acknowledged", "Error"]);
    expect(JSON.stringify(d.results[1]!.errorChain)).toContain("encrypted for an identity this device does not have");
  });
});

describe("ADE removability", () => {
  it("is_mdm_removable false keeps the MDM profile when the user tries to remove it; true lets it go with CheckOut", async () => {
    const w = await appleWorld();
    expect(await w.run(await w.device("iphone-15"), "ios-ade", { apple: { unenrollAtEnd: true } })).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    expect(w.apple.stats.checkins.CheckOut).toBeUndefined();
    const w2 = await appleWorld({ cloudConfig: { is_mdm_removable: true } });
    expect(await w2.run(await w2.device("iphone-15"), "ios-ade", { apple: { unenrollAtEnd: true } })).toMatchObject({ ok: true, code: "apple.unenrolled" });
    expect(w2.apple.stats.checkins.CheckOut).toBe(1);
  });
});
