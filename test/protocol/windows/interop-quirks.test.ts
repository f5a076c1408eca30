// SPDX-License-Identifier: MIT
/** Windows OMA-DM client leniencies found against open-source servers (docs/interop.md), each recorded as a finding. */
import { describe, expect, it } from "vitest";
import type { SimError } from "../../../src/errors/index.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger, type TranscriptEvent } from "../../../src/ports/index.js";
import type { HttpResponse } from "../../../src/ports/http.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import { runDmSession } from "../../../src/protocol/windows/dm.js";
import { parseEnvelope } from "../../../src/wire/windows/soap.js";
import { readGetPoliciesResponse } from "../../../src/wire/windows/xcep.js";
import { crypto } from "../../support/scep-harness.js";

const ADDR = "https://mdm.test/cimhandler";
const DEVICE = "0123456789ABCDEF0123456789ABCDEF";

/** One server reply: AzureBabyMDM's shape (xnlns typo, MsgId, the device's own SyncHdr echoed back) around `body`. */
const reply = (target: string, source: string, body: string): HttpResponse => ({
  status: 200,
  headers: { "content-type": "application/vnd.syncml.dm+xml" },
  url: ADDR,
  body: new TextEncoder().encode(
    `<?xml version="1.0"?><SyncML xnlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgId>1</MsgId><Target><LocURI>${target}</LocURI></Target><Source><LocURI>${source}</LocURI></Source></SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status>${body}<Final/></SyncBody></SyncML>`,
  ),
});

async function session(answer: (n: number) => HttpResponse, strict = false) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 22));
  let n = 0;
  const http = new InMemoryHttp({ clock, handler: async () => answer(n++) });
  const events: TranscriptEvent[] = [];
  const ctx: ProtocolContext = {
    device: "windows-11-laptop#1",
    clock,
    crypto,
    entropy: new SeededEntropySource("interop").forDevice(0, 1),
    http: http.client(),
    transcript: { record: (e) => events.push(e) },
    log: silentLogger,
    timeoutMs: 10_000,
    maxResponseBytes: 64 * 1024,
  };
  let executed = 0;
  const p = runDmSession(ctx, { http: http.client(), addr: ADDR, deviceId: DEVICE, sessionId: "1", alerts: [], devInfo: [], strict, processor: { process: (m) => (executed += m.body.filter((c) => c.verb === "Get").length, []) } });
  const out = await clock.run(p, 60_000).then((r) => r, (e: SimError) => e);
  return { out, executed };
}

const GET = "<Get><CmdID>2</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>";

describe("OMA-DM quirks of real servers", () => {
  it("AzureBabyMDM echoes the device's SyncHdr (Target = server URL, Source = DeviceID): commands run, finding recorded", async () => {
    const { out, executed } = await session((n) => reply(ADDR, DEVICE, n === 0 ? GET : ""));
    expect(out).not.toBeInstanceOf(Error);
    const codes = (out as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(["syncml.target-echoed", "syncml.namespace", "syncml.msgid-case"]));
    expect(executed).toBe(1);
  });
  it("strict mode turns the echoed SyncHdr into a failure", async () => {
    const { out, executed } = await session(() => reply(ADDR, DEVICE, GET), true);
    expect(out).toMatchObject({ step: "dm.session" });
    expect(executed).toBe(0);
  });
  it("a reply addressed to another device (or echoing another device as Source) is still never executed", async () => {
    for (const [target, source] of [["FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", ADDR], [ADDR, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"]] as const) {
      const { out, executed } = await session(() => reply(target, source, GET));
      expect(out).toMatchObject({ code: "syncml.wrong-target", step: "dm.session" });
      expect(executed).toBe(0);
    }
  });
});

describe("XCEP quirks of real servers", () => {
  it("windows_mdm's nil policy with an undeclared xcep: prefix: no policy (device defaults), finding xml.undeclared-prefix", () => {
    const xml = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPoliciesResponse</a:Action></s:Header><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><GetPoliciesResponse xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy"><xcep:response xsi:nil="true" /><xcep:cAs xsi:nil="true" /><xcep:oIDs xsi:nil="true" /></GetPoliciesResponse></s:Body></s:Envelope>`;
    const env = parseEnvelope(xml, "GetPoliciesResponse");
    const findings: { code: string }[] = [];
    const policy = readGetPoliciesResponse(env.body, findings);
    expect(policy.hashOid).toBeUndefined();
    expect(policy.minimalKeyLength).toBeUndefined();
    expect(findings.filter((f) => f.code === "xml.undeclared-prefix")).toHaveLength(3);
  });
});
