// SPDX-License-Identifier: MIT
/**
 * ESP certificate profiles (ClientCertificateInstall SCEP) and the RemoteWipe CSP, against the
 * reference server's windows half on virtual time: what the server sends, what the device runs and
 * records, and what the ESP's Certificates row shows.
 */
import { describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import type { HttpRequest } from "../../../src/ports/http.js";
import { parseSyncML } from "../../../src/wire/windows/syncml.js";
import { toPem } from "../../../src/wire/x509/certificate.js";
import type { ServerHalf } from "../../../src/server/half.js";
import { espCategory, espCategoryRow } from "../../../src/device/windows/esp.js";
import { windowsHarness } from "./harness.js";

const MINUTE = 60_000;
const self = { windows: { autopilot: { mode: "self-deploying" } } };
const esp = (cert: Record<string, unknown>) => ({ esp: { apps: [], timeoutMinutes: 120, scepCerts: [{ id: "WifiCert", subject: "CN=wifi,O=contoso", ...cert }] } });
const stateOf = (keychain: { identities: { label: string; certificate: { der: Uint8Array } }[] }) => ({
  certificates: keychain.identities.map((i) => ({ label: i.label, pem: toPem(i.certificate.der) })),
  serverIds: {},
});

describe("ESP rows", () => {
  it("tracked items count in the page's categories: Security policies, Certificates, Network connections, Apps", () => {
    expect(["policy", "scep", "pfx", "network", "msi", "modern"].map((k) => espCategory(k as never))).toEqual(["Security policies", "Certificates", "Certificates", "Network connections", "Apps", "Apps"]);
    const items = [
      { kind: "scep" as const, state: "done" as const },
      { kind: "pfx" as const, state: "failed" as const },
      { kind: "scep" as const, state: "pending" as const },
      { kind: "policy" as const, state: "done" as const },
    ];
    expect(espCategoryRow(items, "Certificates")).toBe("Certificates (1 of 3 installed, 1 failed)");
    expect(espCategoryRow(items, "Security policies")).toBe("Security policies (1 of 1 applied)");
  });
});

describe("ESP certificate profiles (ClientCertificateInstall SCEP)", () => {
  it("the server sends the Install nodes in one Atomic with Exec Enroll last; the device enrols and reports Status 1, CertThumbprint and RespondentServerUrl", async () => {
    const sent: string[] = [];
    const h = await windowsHarness(esp({ retryCount: 4, retryDelayMinutes: 2 }), (inner) => async (req: HttpRequest) => {
      const res = await inner(req);
      if (req.url.includes("/ManagementServer/MDM.svc")) sent.push(new TextDecoder().decode(res.body));
      return res;
    });
    try {
      const { result, events } = await h.run("windows-autopilot", self, 3);
      expect(result.message).toBeUndefined();
      expect(result.ok).toBe(true);
      const atomic = sent
        .map((b) => parseSyncML(new TextEncoder().encode(b), "t"))
        .flatMap((m) => m.body)
        .find((c) => c.verb === "Atomic" && c.children?.some((k) => k.verb === "Exec" && /ClientCertificateInstall/.test(k.items[0]?.target ?? "")))!;
      const targets = atomic.children!.map((k) => `${k.verb} ${k.items[0]!.target!.replace("./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/WifiCert/Install/", "")}`);
      expect(targets).toEqual(["Add ServerURL", "Add Challenge", "Add SubjectName", "Add KeyLength", "Add HashAlgorithm", "Add EKUMapping", "Add RetryCount", "Add RetryDelay", "Exec Enroll"]);
      const setup = result.windows.esp.find((p) => p.phase === "DeviceSetup")!;
      expect(setup.items!.find((i) => i.kind === "scep")).toMatchObject({ id: "WifiCert", state: "done" });
      // the SCEP exchanges are the device's own requests, to the profile's URL
      expect(events.filter((e) => e.kind === "http" && e.step.startsWith("scep.")).map((e) => e.step)).toEqual(["scep.getcacaps", "scep.getcacert", "scep.pkioperation"]);
    } finally {
      await h.close();
    }
  });

  it("an app proxy answering GatewayTimeout: Status 16, ErrorCode 0x801901F8, and the Certificates row fails the phase at once", async () => {
    const h = await windowsHarness(esp({}), (inner) => async (req: HttpRequest) => {
      if (req.url.includes("/scep")) return { status: 504, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("GatewayTimeout"), url: req.url };
      return inner(req);
    });
    try {
      const { result } = await h.run("windows-autopilot", self, 4);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.certificate-failed", step: "esp.device-setup" });
      // Which profile failed and the job's description are the diagnosis (the message); the page shows the row and the code.
      expect(result.message).toContain("Failed certificate profile: WifiCert: 0x801901F8 HTTP_E_STATUS_GATEWAY_TIMEOUT");
      expect(result.shown).toMatchObject({ code: "0x801901F8", name: "HTTP_E_STATUS_GATEWAY_TIMEOUT", screen: "Enrollment Status Page (DeviceSetup)" });
      expect(result.shown?.text).toBe("Certificates (0 of 1 installed, 1 failed): error 0x801901F8 (the page's exact wording is not published)");
      const setup = result.windows.esp.find((p) => p.phase === "DeviceSetup")!;
      expect(setup.result).toBe("certificate-failed");
      // failed well before the 120-minute timeout: a failed profile is not waited for
      expect(setup.endedAt! - setup.startedAt).toBeLessThan(30 * MINUTE);
    } finally {
      await h.close();
    }
  });

  it("a user-scope profile (./User/…/SCEP) counts in Account setup: Device setup finishes, Account setup fails on the Certificates row", async () => {
    const h = await windowsHarness(esp({ scope: "user" }), (inner) => async (req: HttpRequest) => {
      if (req.url.includes("/scep")) return { status: 503, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("Service Unavailable"), url: req.url };
      return inner(req);
    });
    try {
      const { result } = await h.run("windows-autopilot", {}, 10);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.certificate-failed", step: "esp.account-setup" });
      expect(result.windows.esp.find((p) => p.phase === "DeviceSetup")!.result).toBe("success");
      expect(result.shown).toMatchObject({ code: "0x801901F7", name: "HTTP_E_STATUS_SERVICE_UNAVAIL", screen: "Enrollment Status Page (AccountSetup)" });
    } finally {
      await h.close();
    }
  });

  it("ServerURL lists two servers: the unreachable first one is skipped, the second issues and is the RespondentServerUrl", async () => {
    const h = await windowsHarness(esp({}));
    try {
      // the run's templates (%SERVER_HTTP%) are expanded by the api layer; here the URL is set once the server listens
      const cfg = h.server.halves.find((x: ServerHalf) => x.name === "windows")!;
      cfg.admin!.reconfigure(esp({ url: `http://ndes.contoso.invalid/certsrv/mscep/mscep.dll;${h.server.urls.http}/scep` }));
      const { result, events } = await h.run("windows-autopilot", self, 5);
      expect(result.ok).toBe(true);
      const hosts = events.filter((e) => e.kind === "http" && e.step === "scep.getcacaps").map((e) => new URL((e as unknown as { data: { request: { url: string } } }).data.request.url).host);
      expect(hosts[0]).toBe("ndes.contoso.invalid");
      expect(hosts[1]).toBe(new URL(h.server.urls.http).host);
    } finally {
      await h.close();
    }
  });

  it("a ServerURL that is no http(s) URL fails the profile at once (unknown raw ServerURL), not a job left pending until the timeout", async () => {
    const h = await windowsHarness(esp({ url: "ndes.contoso.com/certsrv/mscep/mscep.dll" }));
    try {
      const { result } = await h.run("windows-autopilot", self, 11);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.certificate-failed", shown: { unknown: { raw: "ServerURL" } } });
      const setup = result.windows.esp.find((p) => p.phase === "DeviceSetup")!;
      expect(setup.endedAt! - setup.startedAt).toBeLessThan(30 * MINUTE);
    } finally {
      await h.close();
    }
  });

  it("only an unreachable server: ErrorCode 0x80072EFD ERROR_WINHTTP_CANNOT_CONNECT", async () => {
    const h = await windowsHarness(esp({ url: "http://ndes.contoso.invalid/certsrv/mscep/mscep.dll" }));
    try {
      const { result } = await h.run("windows-autopilot", self, 6);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.certificate-failed" });
      expect(result.message).toContain("0x80072EFD ERROR_WINHTTP_CANNOT_CONNECT");
      expect(result.shown?.code).toBe("0x80072EFD");
    } finally {
      await h.close();
    }
  });

  it("a CA refusal has no published HRESULT: the failInfo is shown as an unknown raw value, no code invented", async () => {
    const h = await windowsHarness(esp({}));
    try {
      h.server.scep.config.failInfo = "badRequest";
      const { result } = await h.run("windows-autopilot", self, 7);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.certificate-failed" });
      expect(result.message).toContain("unknown code (failInfo badRequest)");
      expect(result.message).toContain("SCEPFailBadRequest");
      expect(result.shown?.code).toBeUndefined();
      expect(result.shown?.unknown).toEqual({ raw: "failInfo badRequest" });
    } finally {
      await h.close();
    }
  });
});

describe("ClientCertificateInstall RetryCount / RetryDelay on virtual time", () => {
  it("a CA answering PENDING once: the device polls RetryDelay minutes later and the profile installs", async () => {
    const h = await windowsHarness(esp({ retryCount: 3, retryDelayMinutes: 10 }));
    try {
      h.server.scep.config.pending = 1;
      const { result, events } = await h.run("windows-autopilot", self, 8);
      expect(result.message).toBeUndefined();
      const req = events.find((e) => e.kind === "http" && e.step === "scep.pkioperation")!;
      const poll = events.find((e) => e.kind === "http" && e.step === "scep.certpoll")!;
      expect(poll.t - req.t).toBeGreaterThanOrEqual(10 * MINUTE);
      expect(poll.t - req.t).toBeLessThan(11 * MINUTE);
    } finally {
      await h.close();
    }
  });

  it("still PENDING after RetryCount polls: Status 16 after RetryCount × RetryDelay, shown as unknown raw `pending`", async () => {
    const h = await windowsHarness(esp({ retryCount: 2, retryDelayMinutes: 7 }));
    try {
      h.server.scep.config.pending = 5;
      const { result, events } = await h.run("windows-autopilot", self, 9);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.certificate-failed" });
      expect(result.message).toContain("unknown code (pending)");
      expect(result.shown).toMatchObject({ unknown: { raw: "pending" } });
      const polls = events.filter((e) => e.kind === "http" && e.step === "scep.certpoll");
      expect(polls).toHaveLength(2);
      const req = events.find((e) => e.kind === "http" && e.step === "scep.pkioperation")!;
      expect(polls[1]!.t - req.t).toBeGreaterThanOrEqual(14 * MINUTE);
      expect(polls[1]!.t - req.t).toBeLessThan(15 * MINUTE);
    } finally {
      await h.close();
    }
  });
});

describe("RemoteWipe CSP (timeline wipe)", () => {
  it("the server sends Exec RemoteWipe/doWipe at the next session; the PC acknowledges 200, the enrollment ends, the next session is refused", async () => {
    const h = await windowsHarness({});
    try {
      const { result } = await h.run("windows-byod", {}, 0);
      expect(result.ok).toBe(true);
      const half = h.server.halves.find((x: ServerHalf) => x.name === "windows")!;
      const serial = result.keychain.identities[0]!.certificate.serialHex;
      expect(half.admin!.wipe!([{ certificateSerials: [serial] }])).toBe(1);
      const out = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(0).ctx, {} as never, stateOf(result.keychain)), 600_000);
      expect(out).toMatchObject({ ok: true, code: "windows.checkin.wiped", erased: true });
      expect(half.records!().find((r) => r.key === h.context(0).ctx.identity.windows!.deviceId)?.removed).toBe(true);
      const again = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(0).ctx, {} as never, stateOf(result.keychain)), 600_000);
      expect(again).toMatchObject({ ok: false, code: "windows.checkin.refused" });
    } finally {
      await h.close();
    }
  });

  it("wipe options: protected is doWipeProtected (404 on 1607, which lacks the node), keepEnrollment is doWipePersistUserData (the PC stays enrolled)", async () => {
    const h = await windowsHarness({});
    try {
      const half = h.server.halves.find((x: ServerHalf) => x.name === "windows")!;
      const old = { osVersion: "10.0.14393.6897" };
      const a = await h.run("windows-byod", {}, 2, "windows-10-desktop", old);
      const b = await h.run("windows-byod", {}, 3);
      half.admin!.wipe!([{ certificateSerials: [a.result.keychain.identities[0]!.certificate.serialHex] }], { protected: true });
      half.admin!.wipe!([{ certificateSerials: [b.result.keychain.identities[0]!.certificate.serialHex] }], { keepEnrollment: true });
      const outA = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(2, "windows-10-desktop", old).ctx, {} as never, stateOf(a.result.keychain)), 600_000);
      expect(outA).toMatchObject({ ok: true, code: "windows.checkin.synced" });
      const outB = await h.clock.run(FLOWS["windows-byod"]!.checkin!(h.context(3).ctx, {} as never, stateOf(b.result.keychain)), 600_000);
      expect(outB).toMatchObject({ ok: true, code: "windows.checkin.wiped" });
      expect(outB).not.toHaveProperty("erased");
      expect(outB.message).toContain("doWipePersistUserData");
      const live = half.records!()
        .filter((r) => !r.removed)
        .map((r) => r.key);
      expect(live).toEqual(expect.arrayContaining([h.context(2, "windows-10-desktop", old).ctx.identity.windows!.deviceId, h.context(3).ctx.identity.windows!.deviceId]));
    } finally {
      await h.close();
    }
  });

  it("a PC that answers the Exec with 500 (device state cspStatus) stays enrolled and keeps checking in", async () => {
    const h = await windowsHarness({});
    try {
      const state = { cspStatus: [{ uri: "./Device/Vendor/MSFT/RemoteWipe/doWipe", verb: "Exec" as const, status: 500 }] };
      const { result } = await h.run("windows-byod", {}, 1, "windows-11-laptop", state);
      const half = h.server.halves.find((x: ServerHalf) => x.name === "windows")!;
      half.admin!.wipe!([{ certificateSerials: [result.keychain.identities[0]!.certificate.serialHex] }]);
      const ctx = () => h.context(1, "windows-11-laptop", state).ctx;
      const out = await h.clock.run(FLOWS["windows-byod"]!.checkin!(ctx(), {} as never, stateOf(result.keychain)), 600_000);
      expect(out).toMatchObject({ ok: true, code: "windows.checkin.synced" });
      expect(out).not.toHaveProperty("erased");
      expect(half.records!().find((r) => r.key === ctx().identity.windows!.deviceId)?.removed).toBe(false);
      const again = await h.clock.run(FLOWS["windows-byod"]!.checkin!(ctx(), {} as never, stateOf(result.keychain)), 600_000);
      expect(again).toMatchObject({ ok: true, code: "windows.checkin.synced" });
    } finally {
      await h.close();
    }
  });
});
