// SPDX-License-Identifier: MIT
/** The reference server's windows half: strict endpoints, restrictions, mTLS on OMA-DM, the REST command queue. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION, MIME } from "../../../src/wire/windows/ns.js";
import { buildEnvelope, parseEnvelope } from "../../../src/wire/windows/soap.js";
import { rstBody } from "../../../src/wire/windows/wstep.js";
import { writeSyncML } from "../../../src/wire/windows/syncml.js";
import { buildCertificate } from "../../../src/wire/x509/certificate.js";
import { encodeName } from "../../../src/wire/x509/name.js";
import { windowsHarness, type WinHarness } from "../../device/windows/harness.js";
import { crypto, testKeys } from "../../support/scep-harness.js";

const body = (r: { body: Uint8Array }) => new TextDecoder().decode(r.body);

describe("windows half endpoints", () => {
  let h: WinHarness;
  beforeAll(async () => {
    h = await windowsHarness({}, undefined, { restrictions: { platform: { windows: { minOs: "10.0.22000.0" } } } });
  });
  afterAll(() => h.close());

  it("refuses DOCTYPE, wrong content type and bad base64 with MessageFormat faults or 415", async () => {
    const url = `${h.server.urls.https}/EnrollmentServer/Enrollment.svc`;
    const dtd = await h.handler({ method: "POST", url, headers: { "content-type": MIME.soap }, body: new TextEncoder().encode('<!DOCTYPE x [<!ENTITY a "b">]><x/>') });
    expect(dtd.status).toBe(400);
    expect(parseEnvelope(dtd.body, "t").fault).toMatchObject({ subcode: "MessageFormat", hresultHex: "0x80180001" });
    const wrong = await h.handler({ method: "POST", url, headers: { "content-type": "text/plain" }, body: new Uint8Array(1) });
    expect(wrong.status).toBe(415);
    const xml = buildEnvelope({ action: ACTION.rst, messageId: "urn:uuid:1", to: url, security: { kind: "username", username: "a@contoso.com", password: "enrollsim" }, body: rstBody({ csrDer: new Uint8Array([1]), context: [] }) }).replace(
      /(BinarySecurityToken[^>]*>)[^<]*/,
      "$1%%%",
    );
    const bad = await h.handler({ method: "POST", url, headers: { "content-type": MIME.soap }, body: new TextEncoder().encode(xml) });
    expect(parseEnvelope(bad.body, "t").fault).toMatchObject({ subcode: "MessageFormat" });
  });

  it("a POST without a body gets an HTTP-level 400, not a SOAP fault: there is no envelope to relate one to (fleet#28240, #34993)", async () => {
    for (const path of ["Discovery.svc", "Enrollment.svc"]) {
      const res = await h.handler({ method: "POST", url: `${h.server.urls.https}/EnrollmentServer/${path}`, headers: { "content-type": MIME.soap }, body: new Uint8Array() });
      expect(res.status).toBe(400);
      expect(String(res.headers["content-type"])).toMatch(/^text\/plain/);
      expect(new TextDecoder().decode(res.body)).toContain("empty body, no SOAP envelope");
    }
  });

  it("OS version restriction → DeviceNotSupported 0x80180014 for the old Windows 10 build", async () => {
    const { result } = await h.run("windows-byod", { windows: { upn: "old@contoso.com", csrProfile: "win10-legacy" } }, 1, "windows-10-desktop");
    expect(result).toMatchObject({ ok: false, code: "windows.fault.DeviceNotSupported", step: "enroll.rst" });
    expect(result.message).toContain("MENROLL_E_DEVICENOTSUPPORTED (0x80180014)");
  });

  it("OMA-DM: no client certificate, a foreign certificate or a wrong content type are refused", async () => {
    const url = `${h.server.urls.https}/ManagementServer/MDM.svc`;
    const sync = new TextEncoder().encode(writeSyncML({ hdr: { verDTD: "1.2", verProto: "DM/1.2", sessionId: "1", msgId: "1", target: url, source: "0".repeat(32) }, body: [], final: true }));
    expect((await h.handler({ method: "POST", url, headers: { "content-type": MIME.syncml }, body: sync })).status).toBe(403);
    const key = await (await testKeys()).rsa(3);
    const foreign = buildCertificate(
      { serial: new Uint8Array([1]), issuer: encodeName("CN=rogue"), subject: encodeName(`CN=${"0".repeat(32)}`), notBefore: new Date(0), notAfter: new Date(Date.UTC(2030, 0)), spki: key.spki },
      key,
      "sha256",
      crypto,
    );
    const r = await h.handler({ method: "POST", url, headers: { "content-type": MIME.syncml }, body: sync, tls: { peerCertificateDer: foreign } });
    expect(r.status).toBe(403);
    expect(body(r)).toContain("not issued by the reference CA");
  });

  it("REST API: commands queued for an enrolled device are delivered in its next session and answered", async () => {
    const first = await h.run("windows-byod", { windows: { upn: "rest@contoso.com" } }, 5);
    expect(first.result.message).toBeUndefined();
    const list = JSON.parse(body(await h.handler({ method: "GET", url: `${h.server.urls.https}/windows/api/devices` }))) as { deviceId: string; upn: string }[];
    const dev = list.find((d) => d.upn === "rest@contoso.com")!;
    const api = `${h.server.urls.https}/windows/api/devices/${dev.deviceId}`;
    const bad = await h.handler({ method: "POST", url: `${api}/commands`, body: new TextEncoder().encode('[{"verb":"Nuke","target":"./x"}]') });
    expect(bad.status).toBe(400);
    const q = await h.handler({ method: "POST", url: `${api}/commands`, body: new TextEncoder().encode('[{"verb":"Get","target":"./DevDetail/Ext/Microsoft/DeviceName"},{"verb":"Get","target":"./Vendor/MSFT/Unknown"}]') });
    expect(q.status).toBe(202);
    const again = await h.run("windows-byod", { windows: { upn: "rest@contoso.com" } }, 5);
    expect(again.result.message).toBeUndefined();
    const rec = JSON.parse(body(await h.handler({ method: "GET", url: api }))) as { received: { verb: string; cmd?: string; data?: string; target?: string }[] };
    expect(rec.received.some((x) => x.verb === "Results" && x.target === "./DevDetail/Ext/Microsoft/DeviceName")).toBe(true);
    expect(rec.received.some((x) => x.verb === "Status" && x.cmd === "Get" && x.data === "404")).toBe(true);
  });
});

describe("windows half restrictions", () => {
  it("personal devices blocked → BYOD gets DeviceNotSupported; Autopilot (Device) is allowed", async () => {
    const h = await windowsHarness({}, undefined, { restrictions: { platform: { windows: { personal: "block" } } } });
    try {
      const byod = await h.run("windows-byod", { windows: {} }, 0);
      expect(byod.result).toMatchObject({ ok: false, code: "windows.fault.DeviceNotSupported" });
      const gpo = await h.run("windows-gpo", { windows: {} }, 1);
      expect(gpo.result.ok).toBe(true);
    } finally {
      await h.close();
    }
  });
  it("an injected InMaintenance fault at enrollment → 0x80180017", async () => {
    const h = await windowsHarness({ fault: { step: "enroll", subcode: "s:EnrollmentServer", errorType: "InMaintenance" } });
    try {
      const { result } = await h.run("windows-byod", { windows: {} }, 0);
      expect(result).toMatchObject({ ok: false, code: "windows.fault.InMaintenance", step: "enroll.rst" });
      expect(result.message).toContain("0x80180017");
    } finally {
      await h.close();
    }
  });
});

describe("unenrollment", () => {
  it("user-requested (Alert 1226) frees the device slot; server-initiated Exec Unenroll stops polling", async () => {
    const h = await windowsHarness({}, undefined, { restrictions: { deviceLimit: 1 } });
    try {
      const a = await h.run("windows-byod", { windows: { upn: "una@contoso.com", unenroll: true } }, 0);
      expect(a.result).toMatchObject({ ok: true, code: "windows.byod.unenrolled", windows: { unenrolled: "user" } });
      // the slot is free again: a second device of the same user (limit 1) enrols
      const b = await h.run("windows-byod", { windows: { upn: "una@contoso.com" } }, 1);
      expect(b.result.ok).toBe(true);
      const list = JSON.parse(new TextDecoder().decode((await h.handler({ method: "GET", url: `${h.server.urls.https}/windows/api/devices` })).body)) as { deviceId: string; upn: string }[];
      const dev = list.filter((d) => d.upn === "una@contoso.com").at(-1)!;
      await h.handler({ method: "POST", url: `${h.server.urls.https}/windows/api/devices/${dev.deviceId}/commands`, body: new TextEncoder().encode(JSON.stringify([{ verb: "Exec", target: "./Vendor/MSFT/DMClient/Provider/enrollsim/Unenroll" }])) });
      const c = await h.run("windows-byod", { windows: { upn: "una@contoso.com", polls: 5 } }, 1);
      // re-enrolment of the same device picks up the queued Exec in its first session and stops there
      expect(c.result).toMatchObject({ ok: true, code: "windows.byod.unenrolled", windows: { unenrolled: "server", sessions: 1 } });
    } finally {
      await h.close();
    }
  });
});

describe("OMA-DM MD5 digest authentication", () => {
  it("a device without mTLS authenticates with the APPAUTH CLIENT credentials and follows each Chal nonce", async () => {
    const h = await windowsHarness({});
    try {
      const { result, events } = await h.run("windows-byod", { windows: { upn: "md5@contoso.com", dmAuth: "md5", polls: 2 } }, 0);
      expect(result.message).toBeUndefined();
      expect(result).toMatchObject({ ok: true, windows: { sessions: 3 } });
      const hdr = events.filter((e) => e.kind === "decoded" && e.step === "dm.session").map((e) => e.data.hdrStatus);
      expect(new Set(hdr)).toEqual(new Set(["212"]));
    } finally {
      await h.close();
    }
  });
});

describe("WSTEP certificate renewal", () => {
  it("Renew with a PKCS#7 over client TLS issues a new certificate; the next session must use it", async () => {
    const h = await windowsHarness({});
    try {
      const { result, events } = await h.run("windows-byod", { windows: { upn: "renew@contoso.com", renew: true } }, 0);
      expect(result.message).toBeUndefined();
      expect(result).toMatchObject({ ok: true, windows: { renewed: true, sessions: 2 } });
      const [first, renewed] = result.keychain.identities;
      expect(renewed!.label).toBe("mdm-renewed");
      expect(renewed!.certificate.serialHex).not.toBe(first!.certificate.serialHex);
      expect(events.some((e) => e.kind === "http" && e.step === "enroll.renew")).toBe(true);
      // a renewal request without client TLS is refused
      const url = `${h.server.urls.https}/EnrollmentServer/Enrollment.svc`;
      const xml = buildEnvelope({ action: ACTION.rst, messageId: "urn:uuid:2", to: url, body: rstBody({ csrDer: new Uint8Array([0x30, 0]), context: [], renew: true }) });
      const r = await h.handler({ method: "POST", url, headers: { "content-type": MIME.soap }, body: new TextEncoder().encode(xml) });
      expect(parseEnvelope(r.body, "t").fault).toMatchObject({ subcode: "InvalidSecurity", hresultHex: "0x80180007" });
    } finally {
      await h.close();
    }
  });
  it("a server that refuses renewal → NotEligibleToRenew 0x80180016", async () => {
    const h = await windowsHarness({ renewal: "refuse" });
    try {
      const { result } = await h.run("windows-byod", { windows: { renew: true } }, 0);
      expect(result).toMatchObject({ ok: false, code: "windows.fault.NotEligibleToRenew", step: "enroll.renew" });
      expect(result.message).toContain("0x80180016");
    } finally {
      await h.close();
    }
  });
});
