// SPDX-License-Identifier: MIT
/** OMA-DM client: a server package split over messages (no Final → Alert 1222), and hostile MaxMsgSize values. */
import { describe, expect, it } from "vitest";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger, type TranscriptEvent } from "../../../src/ports/index.js";
import type { HttpHandler, HttpResponse } from "../../../src/ports/http.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import { runDmSession } from "../../../src/protocol/windows/dm.js";
import { parseSyncML } from "../../../src/wire/windows/syncml.js";
import { crypto } from "../../support/scep-harness.js";

const DEV = "0123456789ABCDEF0123456789ABCDEF";
const syncml = (body: string): HttpResponse => ({ status: 200, headers: { "content-type": "application/vnd.syncml.dm+xml" }, body: new TextEncoder().encode(body), url: "" });
const msg = (msgId: number, body: string, final: boolean, meta = "") =>
  `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1</SessionID><MsgID>${msgId}</MsgID><Target><LocURI>${DEV}</LocURI></Target><Source><LocURI>https://mdm.test</LocURI></Source>${meta}</SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>${msgId}</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>200</Data></Status>${body}${final ? "<Final/>" : ""}</SyncBody></SyncML>`;
const get = (id: number) => `<Get><CmdID>${id}</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>`;

function run(handler: HttpHandler) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 21));
  const http = new InMemoryHttp({ clock, handler });
  const events: TranscriptEvent[] = [];
  const ctx: ProtocolContext = { device: "windows-11-laptop#3", clock, crypto, entropy: new SeededEntropySource("mm").forDevice(0, 3), http: http.client(), transcript: { record: (e) => events.push(e) }, log: silentLogger, timeoutMs: 10_000, maxResponseBytes: 64 * 1024 };
  let processed = 0;
  const p = runDmSession(ctx, { http: http.client(), addr: "https://mdm.test/MDM.svc", deviceId: DEV, sessionId: "1", alerts: [], devInfo: [], processor: { process: (m) => m.body.filter((c) => c.verb === "Get").map((c) => (processed++, { verb: "Status", msgRef: m.hdr.msgId, cmdRef: c.cmdId ?? "", cmd: "Get", data: "200", items: [] })) } });
  return { out: clock.run(p, 60_000), processed: () => processed };
}

describe("windows OMA-DM multi-message packages (client)", () => {
  it("a server message without Final makes the device ask for the next one with Alert 1222", async () => {
    const sent: { final: boolean; alerts: string[] }[] = [];
    let n = 0;
    const r = run(async (req) => {
      const m = parseSyncML(req.body!, "device");
      sent.push({ final: m.final, alerts: m.body.filter((c) => c.verb === "Alert").map((c) => c.data ?? "") });
      n++;
      if (n === 1) return syncml(msg(1, get(2), false));
      if (n === 2) return syncml(msg(2, get(2), true));
      return syncml(msg(3, "", true));
    });
    const out = await r.out;
    expect(out.messages).toBe(3);
    expect(r.processed()).toBe(2);
    expect(sent[1]!.alerts).toContain("1222");
    expect(sent[2]!.alerts).not.toContain("1222");
  });

  it("hostile MaxMsgSize values are ignored with a finding, never crash", async () => {
    for (const bad of ["abc", "-5", "1", "99999999999999999999"]) {
      let n = 0;
      const r = run(async () => (++n === 1 ? syncml(msg(1, get(2), true, `<Meta><MaxMsgSize xmlns="syncml:metinf">${bad}</MaxMsgSize></Meta>`)) : syncml(msg(2, "", true))));
      const out = await r.out;
      expect(out.findings.map((f) => f.code)).toContain("syncml.bad-maxmsgsize");
    }
  });

  it("a server message without Final and without commands ends the session with a finding", async () => {
    const r = run(async () => syncml(msg(1, "", false)));
    const out = await r.out;
    expect(out.messages).toBe(1);
    expect(out.findings.map((f) => f.code)).toContain("syncml.no-final");
  });
});
