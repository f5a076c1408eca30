// SPDX-License-Identifier: MIT
/** Golden Windows wire fixtures and their annotated mutations (test/fixtures/windows/README.md). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDiscoverResponse } from "../../../src/wire/windows/discovery.js";
import { parseProvisioningDoc } from "../../../src/wire/windows/provisioning.js";
import { parseEnvelope } from "../../../src/wire/windows/soap.js";
import { parseSyncML } from "../../../src/wire/windows/syncml.js";
import { errorCode } from "../../support/error-code.js";

const fx = (name: string) => readFileSync(join(import.meta.dirname, "../../fixtures/windows", name), "utf8");
const code = (fn: () => unknown): string => errorCode(fn);

describe("discovery fixtures", () => {
  it("reads the DiscoverResponse", () => {
    const env = parseEnvelope(fx("discover-response.xml"), "fixture");
    expect(env.relatesTo).toBe("748132ec-a575-4329-b01b-6171a9cf8478");
    expect(readDiscoverResponse(env.body)).toEqual({
      authPolicy: "OnPremise",
      enrollmentVersion: "4.0",
      enrollmentPolicyServiceUrl: "https://mdm.contoso.com/EnrollmentServer/Policy.svc",
      enrollmentServiceUrl: "https://mdm.contoso.com/EnrollmentServer/Enrollment.svc",
    });
  });
  it("refuses DOCTYPE and ENTITY without expanding them", () => {
    expect(code(() => parseEnvelope(fx("discover-response.doctype.xml"), "f"))).toBe("xml.doctype");
    expect(code(() => parseEnvelope(fx("discover-response.entity.xml"), "f"))).toBe("xml.doctype");
    expect(code(() => parseEnvelope('<s:Envelope xmlns:s="x"><s:Body>&lol;</s:Body></s:Envelope>', "f"))).toBe("xml.entity");
  });
  it("a DiscoverResult without EnrollmentServiceUrl is malformed", () => {
    const env = parseEnvelope(fx("discover-response.no-enrollment-url.xml"), "f");
    expect(code(() => readDiscoverResponse(env.body))).toBe("discovery.malformed");
  });
  it("a doubled urn:uuid: prefix is accepted with a finding", () => {
    const env = parseEnvelope(fx("discover-response.doubled-urn.xml"), "f");
    expect(env.relatesTo).toBe("748132ec-a575-4329-b01b-6171a9cf8478");
    expect(env.findings.map((f) => f.code)).toContain("soap.relates-to-doubled");
  });
});

describe("fault fixtures", () => {
  it("DeviceCapReached → MENROLL_E_DEVICECAPREACHED 0x80180013 with the UI text", () => {
    const f = parseEnvelope(fx("fault-devicecap.xml"), "f").fault!;
    expect(f).toMatchObject({ subcode: "Authorization", errorType: "DeviceCapReached", name: "MENROLL_E_DEVICECAPREACHED", hresultHex: "0x80180013", traceId: "2493ee37-beeb-4cb9-833c-cadde9ebe4b1" });
    expect(f.uiText).toContain("too many devices");
  });
  it("lower-case element names (as in MS's example) give the same outcome, with findings", () => {
    const env = parseEnvelope(fx("fault-devicecap.lowercase.xml"), "f");
    expect(env.fault).toMatchObject({ name: "MENROLL_E_DEVICECAPREACHED", hresult: 0x80180013 });
    expect(env.findings.some((x) => x.code === "xml.case")).toBe(true);
  });
  it("without a detail the subcode decides", () => {
    expect(parseEnvelope(fx("fault-subcode-only.xml"), "f").fault).toMatchObject({ name: "MENROLL_E_DEVICE_AUTHORIZATION_ERROR", hresultHex: "0x80180003" });
  });
});

describe("provisioning document fixtures", () => {
  it("reads certificates, w7 APPLICATION, DMClient and renewal; unknown characteristics are findings", () => {
    const d = parseProvisioningDoc(fx("provisioning-doc.xml"));
    expect(d.certs.map((c) => `${c.store}/${c.scope}/${c.thumbprint}`)).toEqual([
      "Root/System/031336C933CC7E228B88880D78824FB2909A0A2F",
      "My/User/F9A4F20FC50D990FDD0E3DB9AFCBF401818D5462",
    ]);
    expect(d.renew).toEqual({ roboSupport: true, renewPeriodDays: 60, retryIntervalDays: 4 });
    expect(d.application).toMatchObject({ appId: "w7", providerId: "TestMDMServer", addr: "https://DM.contoso.com:443/omadm/WindowsPhone.ashx", initialBackoffTimeMs: 30000 });
    expect(d.application!.sslClientCertSearchCriteria).toContain("&Stores=My%5CUser");
    expect(d.application!.auth.map((a) => a.level)).toEqual(["CLIENT", "APPSRV"]);
    expect(d.dmClient).toMatchObject({ providerId: "TestMDMServer", poll: { IntervalForFirstSetOfRetries: "15" }, firstSyncStatus: { TimeOutUntilSyncFailure: "10800", BlockInStatusPage: "7" } });
    expect(d.findings.map((f) => f.code)).toEqual(["provisioning.unknown"]);
  });
  it("no device certificate → provisioning.no-certificate; bad base64 → base64.malformed", () => {
    expect(code(() => parseProvisioningDoc(fx("provisioning-doc.no-cert.xml")))).toBe("provisioning.no-certificate");
    expect(code(() => parseProvisioningDoc(fx("provisioning-doc.bad-base64.xml")))).toBe("base64.malformed");
  });
});

describe("SyncML fixtures", () => {
  it("reads header, statuses and nested commands", () => {
    const m = parseSyncML(fx("syncml-server.xml"));
    expect(m.hdr).toMatchObject({ sessionId: "1", msgId: "1", source: "https://mdm.contoso.com/ManagementServer/MDM.svc" });
    expect(m.body.map((c) => c.verb)).toEqual(["Status", "Get", "Atomic"]);
    expect(m.body[2]!.children!.map((c) => [c.verb, c.cmdId, c.items[0]!.target])).toEqual([
      ["Replace", "4", "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart"],
      ["Replace", "5", "./Device/Vendor/MSFT/NoSuchCsp/Setting"],
    ]);
    expect(m.final).toBe(true);
    expect(m.findings).toEqual([]);
  });
  it("SyncML without SyncHdr is a typed error", () => {
    expect(code(() => parseSyncML(fx("syncml-server.no-synchdr.xml")))).toBe("syncml.no-synchdr");
  });
  it("BabyMDM quirks are accepted and recorded", () => {
    const m = parseSyncML(fx("syncml-server.babymdm-quirks.xml"));
    expect(m.hdr.msgId).toBe("1");
    expect(m.findings.map((f) => f.code).sort()).toEqual(["syncml.duplicate-cmdid", "syncml.msgid-case", "syncml.namespace"]);
  });
  it("deeply nested documents stop at the depth limit", () => {
    expect(code(() => parseSyncML(fx("syncml-server.deep.xml")))).toBe("xml.too-deep");
  });
});
