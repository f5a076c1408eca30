// SPDX-License-Identifier: MIT
/** Windows flows end to end against the reference server's windows half, on virtual time. */
import type { HttpHandler } from "../../../src/ports/http.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { windowsShownForError } from "../../../src/device/windows/shown.js";
import { SimError } from "../../../src/errors/index.js";
import { UserAbandonedError } from "../../../src/runner/timeline/engine.js";
import { windowsHarness, type WinHarness } from "./harness.js";

describe("windows-byod against the reference server", () => {
  let h: WinHarness;
  beforeAll(async () => {
    h = await windowsHarness({ password: "S3cret-pw-4-alice" }, undefined, { restrictions: { deviceLimit: 2 } });
  });
  afterAll(() => h.close());

  it("discovers through the CNAME, authenticates OnPremise, enrols, and runs OMA-DM sessions over mTLS", async () => {
    const { result, events } = await h.run("windows-byod", { windows: { upn: "alice@contoso.com", password: "S3cret-pw-4-alice" } }, 0);
    expect(result.message).toBeUndefined();
    expect(result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
    expect(result.windows.discovery!.cnameChain).toEqual(["enterpriseenrollment.contoso.com", "enterpriseenrollment-s.enrollsim.invalid"]);
    expect(result.windows.sessions).toBe(1);
    expect(result.keychain.identities[0]!.certificate.subject).toMatch(/^CN=[0-9A-F]{32}$/);
    const steps = events.filter((e) => e.kind === "http").map((e) => e.step);
    expect(steps.slice(0, 4)).toEqual(["discovery.get", "discovery.post", "policy.getpolicies", "enroll.rst"]);
    expect(steps).toContain("dm.session");
    const text = JSON.stringify(events);
    expect(text).not.toContain("S3cret-pw-4-alice"); // the password never reaches the transcript
    const dev = await h.handler({ method: "GET", url: `${h.server.urls.https}/windows/api/devices` });
    expect(JSON.parse(Buffer.from(dev.body).toString())).toHaveLength(1);
  });

  it("the user's third device gets DeviceCapReached (MENROLL_E_DEVICECAPREACHED 0x80180013) with the limit at 2", async () => {
    const second = await h.run("windows-byod", { windows: { upn: "alice@contoso.com", password: "S3cret-pw-4-alice" } }, 1);
    expect(second.result.ok).toBe(true);
    const third = await h.run("windows-byod", { windows: { upn: "alice@contoso.com", password: "S3cret-pw-4-alice" } }, 2);
    expect(third.result).toMatchObject({ ok: false, code: "windows.fault.DeviceCapReached", step: "enroll.rst" });
    expect(third.result.message).toContain("MENROLL_E_DEVICECAPREACHED (0x80180013)");
    expect(third.result.message).toContain("too many devices");
  });

  it("a policy demanding a 4096-bit key cannot be met from the 2048-bit key pool: a typed outcome, not a silent downgrade", async () => {
    const h4 = await windowsHarness({ policy: { minimalKeyLength: 4096 } });
    try {
      const { result } = await h4.run("windows-byod", { windows: {} }, 0);
      expect(result).toMatchObject({ ok: false, code: "windows.policy.key-length", step: "enroll.rst" });
    } finally {
      await h4.close();
    }
  });

  it("scheduled polls follow the DMClient Poll schedule on the virtual clock", async () => {
    const t0 = h.clock.now();
    const { result, events } = await h.run("windows-byod", { windows: { upn: "poll@contoso.com", password: "S3cret-pw-4-alice", polls: 3 } }, 9);
    expect(result.windows.sessions).toBe(4);
    const starts = events.filter((e) => e.kind === "decoded" && e.step === "dm.session" && e.data.msgId === "1").map((e) => e.t - t0);
    expect(starts).toHaveLength(4);
    // server poll interval 3 minutes (IntervalForFirstSetOfRetries), plus < 15 s of per-device jitter
    for (let i = 1; i < 4; i++) {
      expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(3 * 60_000);
      expect(starts[i]! - starts[i - 1]!).toBeLessThan(3 * 60_000 + 15_000);
    }
  });

  it("a wrong password is an Authentication fault (0x80180002)", async () => {
    const r = await h.run("windows-byod", { windows: { upn: "bob@contoso.com", password: "nope" } }, 3);
    expect(r.result).toMatchObject({ ok: false, code: "windows.fault.Authentication", step: "policy.getpolicies" });
    expect(r.result.message).toContain("0x80180002");
  });

  it("no CNAME: Settings asks for the server address; with a manual URL it enrols", async () => {
    const none = await h.run("windows-byod", { windows: { upn: "carol@fabrikam.com", password: "S3cret-pw-4-alice", dns: "overrides", dnsOverrides: {} } }, 4);
    expect(none.result).toMatchObject({ ok: false, code: "windows.discovery.no-enrollment-host", step: "discovery.dns" });
    const manual = await h.run(
      "windows-byod",
      { windows: { upn: "carol@fabrikam.com", password: "S3cret-pw-4-alice", dns: "overrides", dnsOverrides: {}, manualServerUrl: `${h.server.urls.https}/EnrollmentServer/Discovery.svc` } },
      4,
    );
    expect(manual.result.ok).toBe(true);
  });

  it("Windows 10 devices send the legacy CSR (OIW sha1 when the policy names no hash)", async () => {
    const r = await h.run("windows-byod", { windows: { upn: "dave@contoso.com", password: "S3cret-pw-4-alice" } }, 5, "windows-10-desktop");
    expect(r.result.ok).toBe(true);
    const enroll = r.events.find((e) => e.kind === "decoded" && e.step === "enroll.rst")!;
    expect(enroll.data).toMatchObject({ csrHash: "sha1", csrSignatureOid: "1.3.14.3.2.29" });
  });
});

describe("conditional access requiring MFA (embedded.policy.conditionalAccess.requireMfa)", () => {
  it("the federated sign-in asks for a one-time code at its own step; a user who abandons there is MENROLL_E_USER_CANCELED", async () => {
    const plain = await windowsHarness({ authPolicy: "Federated" });
    try {
      const { result, events } = await plain.run("windows-byod", { windows: {} }, 0);
      expect(result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
      expect(events.some((e) => e.step === "auth.mfa")).toBe(false);
    } finally {
      await plain.close();
    }
    const h = await windowsHarness({ authPolicy: "Federated" }, undefined, { conditionalAccess: { requireMfa: true } });
    try {
      const done = await h.run("windows-byod", { windows: {} }, 0);
      expect(done.result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
      expect(done.events.some((e) => e.kind === "decoded" && e.step === "auth.mfa")).toBe(true);
      const { ctx, events } = h.context(1);
      ctx.protocol.gate = async (step: string) => {
        if (step === "auth.mfa") throw new UserAbandonedError("the user closed the MFA prompt (test)");
      };
      const err = await h.clock.run(FLOWS["windows-byod"]!.run(ctx, { windows: {} } as never).then(() => undefined, (e: unknown) => e), 3_600_000);
      expect(err).toMatchObject({ code: "user.abandoned", step: "auth.mfa" });
      expect(events.some((e) => e.kind === "http" && e.step === "enroll.rst")).toBe(false);
      expect(windowsShownForError({ error: err as SimError, flow: "windows-byod" })).toMatchObject({ code: "0x8018002A", name: "MENROLL_E_USER_CANCELED" });
    } finally {
      await h.close();
    }
  });
});

describe("discovery fallbacks", () => {
  it("HTTPS fails, HTTP redirects to a legacy HTTPS target: confirmed → enrols; a user who declines the prompt (abandons at its step) → MENROLL_E_USER_CANCELED", async () => {
    // A legacy CNAME target in front of the server (what the shipped scenario writes as two faults):
    // HTTPS discovery is not answered, the plain-HTTP probe redirects to the legacy HTTPS path.
    let https = "";
    const legacyTarget = (inner: HttpHandler): HttpHandler => async (req) => {
      if (new URL(req.url, "http://localhost").pathname.toLowerCase() !== "/enrollmentserver/discovery.svc") return inner(req);
      if ((req as { tls?: unknown }).tls) return { status: 404, headers: { "content-type": "text/plain" }, body: new TextEncoder().encode("no discovery here\n"), url: "" };
      return { status: 302, headers: { location: `${https}/EnrollmentServer/Legacy/Discovery.svc` }, body: new Uint8Array(), url: "" };
    };
    const h = await windowsHarness({}, legacyTarget);
    https = h.server.urls.https;
    try {
      const ok = await h.run("windows-byod", { windows: {} }, 0);
      expect(ok.result.message).toBeUndefined();
      expect(ok.result.windows.discovery).toMatchObject({ url: expect.stringContaining("/EnrollmentServer/Legacy/Discovery.svc"), redirectedFrom: expect.stringContaining("/EnrollmentServer/Discovery.svc") });
      // The prompt is a step of its own: the timeline's abandon there is this gate throwing.
      const { ctx, events } = h.context(1);
      const gated: string[] = [];
      ctx.protocol.gate = async (step: string) => {
        gated.push(step);
        if (step === "discovery.confirm-redirect") throw new UserAbandonedError("the user declined the redirect (test)");
      };
      const err = await h.clock.run(FLOWS["windows-byod"]!.run(ctx, { windows: {} } as never).then(() => undefined, (e: unknown) => e), 3_600_000);
      expect(err).toBeInstanceOf(SimError);
      expect(err).toMatchObject({ code: "user.abandoned", step: "discovery.confirm-redirect" });
      expect(gated).toContain("discovery.redirect");
      expect(gated).not.toContain("discovery.post");
      expect(events.some((e) => e.kind === "http" && e.step === "discovery.post")).toBe(false);
      expect(windowsShownForError({ error: err as SimError, flow: "windows-byod" })).toMatchObject({ code: "0x8018002A", name: "MENROLL_E_USER_CANCELED", screen: "Settings › Accounts › Access work or school" });
    } finally {
      await h.close();
    }
  });
  // A redirect to plain HTTP (MENROLL_E_INSECUREREDIRECT) is a redirect fault: test/runner/scenario/windows-discovery-redirect.test.ts.
});

describe("Federated authentication", () => {
  it("follows AuthenticationServiceUrl with appru + login_hint, submits the form, and enrols with wresult", async () => {
    const h = await windowsHarness({ authPolicy: "Federated", password: "Fed-pa55" });
    try {
      const { result, events } = await h.run("windows-byod", { windows: { upn: "erin@contoso.com", password: "Fed-pa55" } }, 0);
      expect(result.message).toBeUndefined();
      expect(result.ok).toBe(true);
      const auth = events.filter((e) => e.kind === "http" && e.step === "auth.federated");
      expect(auth).toHaveLength(2);
      expect((auth[0]!.data.request as { url: string }).url).toMatch(/appru=ms-app%3A%2F%2F.*login_hint=erin%40contoso.com/);
      expect(JSON.stringify(events)).not.toContain("Fed-pa55");
      const bad = await h.run("windows-byod", { windows: { upn: "erin@contoso.com", password: "wrong" } }, 1);
      expect(bad.result).toMatchObject({ ok: false, code: "windows.auth.federated-refused", step: "auth.federated" });
    } finally {
      await h.close();
    }
  });
});

describe("MDM Terms of Use", () => {
  it("accept → EnrollmentData blob enrols; decline → the ToU message; none while required → InvalidEnrollmentData", async () => {
    const h = await windowsHarness({}, undefined, { terms: [{ name: "Contoso MDM terms" }] });
    try {
      const ok = await h.run("windows-gpo", { windows: { termsOfUse: "accept" } }, 0);
      expect(ok.result.message).toBeUndefined();
      expect(ok.result.ok).toBe(true);
      const steps = ok.events.filter((e) => e.kind === "http").map((e) => e.step);
      expect(steps.filter((s) => s === "enroll.terms")).toHaveLength(2);
      const no = await h.run("windows-gpo", { windows: { termsOfUse: "decline" } }, 1);
      expect(no.result).toMatchObject({ ok: false, code: "windows.tou.declined", step: "enroll.terms" });
      expect(no.result.message).toContain("agree to the Terms of Use");
      const skipped = await h.run("windows-gpo", { windows: {} }, 2);
      expect(skipped.result).toMatchObject({ ok: false, code: "windows.fault.InvalidEnrollmentData" });
      expect(skipped.result.message).toContain("0x80180019");
    } finally {
      await h.close();
    }
  });
});

describe("the OOBE network link (state.networkLink)", () => {
  it("Wi-Fi: a user-driven PC passes the region/keyboard/Wi-Fi pages (oobe.network) and provisions; pre-provisioning is refused there; Ethernet never meets the step", async () => {
    const h = await windowsHarness({ esp: { apps: [] } });
    try {
      const wifi = await h.run("windows-autopilot", {}, 0, undefined, { networkLink: "wifi" });
      expect(wifi.result.ok).toBe(true);
      expect(wifi.events.find((e) => e.kind === "decoded" && e.step === "oobe.network")!.data).toMatchObject({ link: "wifi" });
      const bench = await h.run("windows-autopilot", { windows: { autopilot: { mode: "pre-provisioned" } } }, 1, undefined, { networkLink: "wifi" });
      expect(bench.result).toMatchObject({ ok: false, code: "windows.autopilot.wired-connection-required", step: "oobe.network" });
      // Refused before anything goes on the wire: no TPM attestation, no profile request, no join.
      expect(bench.events.some((e) => e.step === "join.register" || e.step === "autopilot.profile")).toBe(false);
      const wired = await h.run("windows-autopilot", { windows: { autopilot: { mode: "pre-provisioned" } } }, 2);
      expect(wired.result.ok).toBe(true);
      expect(wired.events.some((e) => e.step === "oobe.network")).toBe(false);
    } finally {
      await h.close();
    }
  });
});

describe("Autopilot profile sources", () => {
  it("service: registered on first contact, name template from the profile; a replaced motherboard (state.hardwareReplaced) → Attention required", async () => {
    const h = await windowsHarness({ autopilot: { deviceNameTemplate: "CT-%SERIAL%" }, esp: { apps: [] } });
    try {
      const first = await h.run("windows-autopilot", { windows: { autopilot: { mode: "self-deploying", profileSource: "service" } } }, 0);
      expect(first.result.message).toBeUndefined();
      const prof = first.events.find((e) => e.kind === "decoded" && e.step === "autopilot.profile")!;
      expect(prof.data.deviceName).toMatch(/^CT-[A-Z0-9]{7}$/);
      const changed = await h.run("windows-autopilot", { windows: { autopilot: { mode: "self-deploying", profileSource: "service" } } }, 0, undefined, { hardwareReplaced: ["motherboard"] });
      expect(changed.result).toMatchObject({ ok: false, code: "windows.autopilot.hardware-changed", step: "autopilot.profile" });
    } finally {
      await h.close();
    }
  });
  it("service without registration → plain OOBE (a user-driven PC joins as an ordinary user, a kiosk stops); a non-ASCII profile file is refused", async () => {
    const h = await windowsHarness({}, undefined, { autopilot: { registered: [] } });
    try {
      const none = await h.run("windows-autopilot", { windows: { autopilot: { profileSource: "service" } } }, 1);
      expect(none.result).toMatchObject({ ok: true, code: "windows.oobe.entra-join.provisioned" });
      expect(none.events.find((e) => e.kind === "decoded" && e.step === "autopilot.profile")!.data).toMatchObject({ IsAutopilotDisabled: 1 });
      const kiosk = await h.run("windows-autopilot", { windows: { autopilot: { mode: "self-deploying", profileSource: "service" } } }, 5);
      expect(kiosk.result).toMatchObject({ ok: false, code: "windows.autopilot.profile-missing", step: "autopilot.profile" });
      // The registry value is what the PC records, not what OOBE shows: `logged`, apart from the screen's text.
      expect(kiosk.result.shown).toMatchObject({ text: "(no error: OOBE shows its default screens)", logged: ["HKLM\\SOFTWARE\\Microsoft\\Provisioning\\Diagnostics\\Autopilot: IsAutopilotDisabled = 1"] });
      const err = await h.run("windows-autopilot", { windows: { autopilot: { profileSource: "file", profileJson: '{"CloudAssignedTenantDomain":"contosö.com"}' } } }, 2).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "autopilot.not-ascii", step: "autopilot.profile" });
      const file = '{"Version":2049,"ZtdCorrelationId":"7f3c5d2e-1111-2222-3333-444455556666"}';
      const ok = await h.run("windows-autopilot", { windows: { autopilot: { profileSource: "file", profileJson: file } } }, 3);
      expect(ok.result.ok).toBe(true);
      // Self-deploying joins as the Autopilot device object, which only an imported hash has (none here): 0x801C03F3.
      const userless = await h.run("windows-autopilot", { windows: { autopilot: { mode: "self-deploying", profileSource: "file", profileJson: file } } }, 4);
      expect(userless.result).toMatchObject({ ok: false, code: "windows.join.device-object-missing", step: "join.register", shown: { code: "0x801C03F3" } });
    } finally {
      await h.close();
    }
  });
});

describe("DevicePreparation policy providers (EnrollmentStatusTracking)", () => {
  it("waits for the provider's agent; a hanging agent fails preparation at the provider Timeout", async () => {
    const ok = await windowsHarness({ esp: { apps: [], devicePreparationProviders: [{ name: "Sidecar", installMinutes: 5 }] } });
    try {
      const { result } = await ok.run("windows-autopilot", { windows: {} }, 0);
      expect(result.message).toBeUndefined();
      const prep = result.windows.esp[0]!;
      expect(prep.items!.find((i) => i.kind === "provider")).toMatchObject({ id: "Sidecar", state: "done" });
      expect(prep.endedAt! - prep.startedAt).toBeGreaterThanOrEqual(5 * 60_000);
    } finally {
      await ok.close();
    }
    const bad = await windowsHarness({ esp: { apps: [], devicePreparationProviders: [{ name: "Sidecar", installMinutes: 600, timeoutMinutes: 15 }] } });
    try {
      const { result } = await bad.run("windows-autopilot", { windows: {} }, 1);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.device-preparation", step: "esp.device-preparation" });
      expect(result.message).toContain("Sidecar");
    } finally {
      await bad.close();
    }
  });
});

describe("hybrid Autopilot (offline domain join)", () => {
  it("joins once the ODJ blob arrives; a withheld blob fails at first sign-in with 80070774 after the timeout", async () => {
    const ok = await windowsHarness({ esp: { apps: [] } });
    try {
      const { result } = await ok.run("windows-autopilot", { windows: { autopilot: { mode: "hybrid" } } }, 0);
      expect(result.message).toBeUndefined();
      expect(result.windows.esp[0]!.items!.map((i) => [i.kind, i.state])).toContainEqual(["odj", "done"]);
    } finally {
      await ok.close();
    }
    // The connector produces no blob: the server is set up never to send the OfflineDomainJoin LocURI.
    const bad = await windowsHarness({ withhold: ["./Device/Vendor/MSFT/OfflineDomainJoin/*"], esp: { apps: [] } });
    try {
      const { result, events } = await bad.run("windows-autopilot", { windows: { autopilot: { mode: "hybrid" } } }, 1);
      expect(result).toMatchObject({ ok: false, code: "windows.autopilot.hybrid-join", step: "esp.device-preparation" });
      expect(result.message).toContain("80070774");
      const prep = result.windows.esp[0]!;
      // The device's fixed 15-minute wait, on the virtual clock.
      expect(prep.endedAt! - prep.startedAt).toBeGreaterThanOrEqual(15 * 60_000);
      expect(prep.endedAt! - prep.startedAt).toBeLessThan(19 * 60_000);
      // Nothing addressed to OfflineDomainJoin crossed the wire; the rest of the ESP set-up did.
      const sent = events.filter((e) => e.kind === "decoded" && e.step === "dm.session").flatMap((e) => (e.data as { commands?: string[] }).commands ?? []);
      expect(sent.some((c) => c.includes("OfflineDomainJoin"))).toBe(false);
      expect(sent).toContain("Replace ./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart");
    } finally {
      await bad.close();
    }
  });
});

describe("windows-autopilot ESP", () => {
  it("user-driven: device and account setup complete once apps install and the server finishes provisioning", async () => {
    const h = await windowsHarness({});
    try {
      const { result, events } = await h.run("windows-autopilot", { windows: {} }, 0);
      expect(result.message).toBeUndefined();
      expect(result).toMatchObject({ ok: true, code: "windows.autopilot.user-driven.provisioned" });
      expect(result.windows.esp.map((p) => [p.phase, p.result])).toEqual([
        ["DevicePreparation", "success"],
        ["DeviceSetup", "success"],
        ["AccountSetup", "success"],
      ]);
      const setup = result.windows.esp[1]!;
      expect(setup.items!.map((i) => i.id).sort()).toEqual(
        ["./Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled", "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart", "CompanyPortal", "Office"].sort(),
      );
      // Office takes 9 simulated minutes: the device phase cannot end before that.
      expect(setup.endedAt! - setup.startedAt).toBeGreaterThanOrEqual(9 * 60_000);
      expect(events.some((e) => e.step === "esp.device-setup" && e.kind === "decoded")).toBe(true);
    } finally {
      await h.close();
    }
  });

  it("ClientCertificateInstall SCEP: the foundation SCEP client enrols the profile and ESP tracks it", async () => {
    const h = await windowsHarness({ esp: { apps: [], scepCerts: [{ id: "WiFiCert", subject: "CN=wifi-device,O=enrollsim" }] } });
    try {
      const { result, events } = await h.run("windows-autopilot", { windows: { autopilot: { mode: "self-deploying" } } }, 3);
      expect(result.message).toBeUndefined();
      expect(result.ok).toBe(true);
      const setup = result.windows.esp.find((p) => p.phase === "DeviceSetup")!;
      expect(setup.items!.find((i) => i.kind === "scep")).toMatchObject({ id: "WiFiCert", state: "done" });
      expect(events.some((e) => e.kind === "http" && e.step === "scep.pkioperation")).toBe(true);
    } finally {
      await h.close();
    }
  });

  it("an app that installs for longer than the ESP allows: ESP fails at TimeOutUntilSyncFailure with the user-visible error", async () => {
    const h = await windowsHarness({ esp: { timeoutMinutes: 30, apps: [{ name: "HangingApp", installMinutes: 600 }], customErrorText: "Call the help desk at 555-0100." } });
    try {
      const { result } = await h.run("windows-autopilot", { windows: {} }, 1);
      expect(result).toMatchObject({ ok: false, code: "windows.esp.timeout", step: "esp.device-setup" });
      expect(result.message).toContain("Call the help desk at 555-0100.");
      expect(result.message).toContain("HangingApp");
      const setup = result.windows.esp.find((p) => p.phase === "DeviceSetup")!;
      expect(setup.result).toBe("timeout");
      expect(setup.endedAt! - result.windows.esp[0]!.endedAt!).toBeGreaterThanOrEqual(30 * 60_000);
      expect(setup.endedAt! - result.windows.esp[0]!.endedAt!).toBeLessThan(31 * 60_000);
    } finally {
      await h.close();
    }
  });

  it("self-deploying: TPM attestation passes on a TPM 2.0 model; only the device phase runs", async () => {
    const h = await windowsHarness({});
    try {
      const { result } = await h.run("windows-autopilot", { windows: { autopilot: { mode: "self-deploying" } } }, 2, "windows-10-desktop");
      expect(result).toMatchObject({ ok: true, code: "windows.autopilot.self-deploying.provisioned" });
      expect(result.windows.esp.map((p) => p.phase)).toEqual(["DevicePreparation", "DeviceSetup"]);
    } finally {
      await h.close();
    }
  });
});

describe("hostile enrollment responses end to end", () => {
  it("an RSTR whose provisioning document has no certificate → provisioning.no-certificate at enroll.rst", async () => {
    const { buildResponse } = await import("../../../src/wire/windows/soap.js");
    const { rstrBody } = await import("../../../src/wire/windows/wstep.js");
    const { ACTION } = await import("../../../src/wire/windows/ns.js");
    const doc = '<wap-provisioningdoc version="1.1"><characteristic type="APPLICATION"><parm name="APPID" value="w7"/><parm name="ADDR" value="https://x/MDM.svc"/></characteristic></wap-provisioningdoc>';
    const h = await windowsHarness({}, (inner) => async (req) => {
      if (req.url.endsWith("/EnrollmentServer/Enrollment.svc")) {
        return { status: 200, headers: { "content-type": "application/soap+xml; charset=utf-8" }, body: new TextEncoder().encode(buildResponse(ACTION.rstrc, "1", rstrBody(doc))), url: req.url };
      }
      return inner(req);
    });
    try {
      const err = await h.run("windows-byod", { windows: {} }, 0).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "provisioning.no-certificate", step: "enroll.rst", device: "windows-11-laptop#0" });
    } finally {
      await h.close();
    }
  });
});
