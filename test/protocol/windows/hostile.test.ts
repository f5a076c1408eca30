// SPDX-License-Identifier: MIT
/** Windows protocol clients against hostile servers: typed errors naming device and step, never crashes. */
import { describe, expect, it } from "vitest";
import { SimError } from "../../../src/errors/index.js";
import { SeededEntropySource } from "../../../src/platform/node/entropy.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { silentLogger, type TranscriptEvent } from "../../../src/ports/index.js";
import type { HttpHandler, HttpResponse } from "../../../src/ports/http.js";
import type { ProtocolContext } from "../../../src/protocol/common/context.js";
import { discover } from "../../../src/protocol/windows/discovery.js";
import { runDmSession } from "../../../src/protocol/windows/dm.js";
import { crypto } from "../../support/scep-harness.js";

const URL_ = "https://mdm.test/EnrollmentServer/Discovery.svc";
const res = (status: number, type: string, body: string): HttpResponse => ({ status, headers: { "content-type": type }, body: new TextEncoder().encode(body), url: URL_ });

function ctxFor(handler: HttpHandler) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 21));
  const http = new InMemoryHttp({ clock, handler });
  const events: TranscriptEvent[] = [];
  const ctx: ProtocolContext = {
    device: "windows-11-laptop#7",
    clock,
    crypto,
    entropy: new SeededEntropySource("hostile").forDevice(0, 7),
    http: http.client(),
    transcript: { record: (e) => events.push(e) },
    log: silentLogger,
    timeoutMs: 10_000,
    maxResponseBytes: 64 * 1024,
  };
  return { ctx, clock, http, events };
}

const discoverWith = async (postAnswer: () => Promise<HttpResponse> | HttpResponse) => {
  const { ctx, clock } = ctxFor(async (req) => (req.method === "GET" ? res(200, "text/html", "") : postAnswer()));
  const p = discover(ctx, { upn: "a@contoso.com", requestVersion: "5.0", applicationVersion: "10.0.22631.1", osEdition: "4", authPolicies: ["OnPremise"], url: URL_ });
  try {
    await clock.run(p, 60_000);
    return undefined;
  } catch (e) {
    return e as SimError;
  }
};

describe("discovery against hostile servers", () => {
  const cases: [string, () => Promise<HttpResponse> | HttpResponse, string][] = [
    ["wrong content type", () => res(200, "text/html", "<html/>"), "soap.content-type"],
    ["HTTP 500 without a SOAP fault", () => res(500, "text/plain", "boom"), "transport.http-status"],
    ["HTTP 404", () => res(404, "text/plain", "nope"), "transport.http-status"],
    ["HTTP 200 with an empty body", () => res(200, "application/soap+xml", ""), "soap.empty"],
    ["entity expansion attempt", () => res(200, "application/soap+xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><s:Envelope/>'), "xml.doctype"],
    ["deeply nested body", () => res(200, "application/soap+xml", "<a>".repeat(500) + "</a>".repeat(500)), "xml.too-deep"],
    ["huge body", () => res(200, "application/soap+xml", `<a>${"x".repeat(100 * 1024)}</a>`), "transport.too-large"],
    ["stalled response", () => new Promise<HttpResponse>(() => {}), "transport.timeout"],
  ];
  for (const [name, answer, expected] of cases) {
    it(`${name} → ${expected}, naming device and step`, async () => {
      const err = await discoverWith(answer);
      expect(err).toBeInstanceOf(SimError);
      expect(err!.code).toBe(expected);
      expect(err!.device).toBe("windows-11-laptop#7");
      expect(err!.step).toBe("discovery.post");
    });
  }

  it("a SOAP fault is a value, not an error", async () => {
    const { ctx, clock } = ctxFor(async (req) =>
      req.method === "GET"
        ? res(200, "text/html", "")
        : res(
            500,
            "application/soap+xml; charset=utf-8",
            '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>s:EnrollmentServer</s:Value></s:Subcode></s:Code><s:Reason><s:Text>down</s:Text></s:Reason><s:Detail><DeviceEnrollmentServiceError xmlns="http://schemas.microsoft.com/windows/pki/2009/01/enrollment"><ErrorType>InMaintenance</ErrorType></DeviceEnrollmentServiceError></s:Detail></s:Fault></s:Body></s:Envelope>',
          ),
    );
    const out = await clock.run(discover(ctx, { upn: "a@contoso.com", requestVersion: "5.0", applicationVersion: "1", osEdition: "4", authPolicies: ["OnPremise"], url: URL_ }));
    expect(out).toMatchObject({ status: "fault", fault: { name: "MENROLL_E_INMAINTENANCE", hresultHex: "0x80180017" } });
  });
});

describe("OMA-DM session against hostile servers", () => {
  const run = async (answer: HttpHandler) => {
    const { ctx, clock, http } = ctxFor(answer);
    const p = runDmSession(ctx, {
      http: http.client(),
      addr: "https://mdm.test/ManagementServer/MDM.svc",
      deviceId: "0123456789ABCDEF0123456789ABCDEF",
      sessionId: "1",
      alerts: [],
      devInfo: [],
      processor: { process: () => [] },
    });
    try {
      await clock.run(p, 60_000);
      return undefined;
    } catch (e) {
      return e as SimError;
    }
  };
  it("SyncML without SyncHdr → syncml.no-synchdr at dm.session", async () => {
    const err = await run(async () => res(200, "application/vnd.syncml.dm+xml", '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncBody><Final/></SyncBody></SyncML>'));
    expect(err).toMatchObject({ code: "syncml.no-synchdr", step: "dm.session", device: "windows-11-laptop#7" });
  });
  it("wrong content type → syncml.content-type", async () => {
    const err = await run(async () => res(200, "text/xml", "<SyncML/>"));
    expect(err).toMatchObject({ code: "syncml.content-type", step: "dm.session" });
  });
  it("401 on the SyncHdr → syncml.auth", async () => {
    const err = await run(async () =>
      res(200, "application/vnd.syncml.dm+xml", '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><SessionID>1</SessionID><MsgID>1</MsgID></SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Data>401</Data></Status><Final/></SyncBody></SyncML>'),
    );
    expect(err).toMatchObject({ code: "syncml.auth", step: "dm.session" });
  });
  it("a reply addressed to another device is never executed → syncml.wrong-target", async () => {
    let executed = 0;
    const { ctx, clock, http } = ctxFor(async () =>
      res(200, "application/vnd.syncml.dm+xml", '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF</LocURI></Target></SyncHdr><SyncBody><Get><CmdID>2</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get><Final/></SyncBody></SyncML>'),
    );
    const err = await clock
      .run(runDmSession(ctx, { http: http.client(), addr: "https://mdm.test/ManagementServer/MDM.svc", deviceId: "0123456789ABCDEF0123456789ABCDEF", sessionId: "1", alerts: [], devInfo: [], processor: { process: () => (executed++, []) } }), 60_000)
      .then(() => undefined, (e: SimError) => e);
    expect(err).toMatchObject({ code: "syncml.wrong-target", step: "dm.session" });
    expect(executed).toBe(0);
  });
  const gets = (n: number, final = true) =>
    `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><SessionID>1</SessionID><MsgID>1</MsgID><Target><LocURI>0123456789ABCDEF0123456789ABCDEF</LocURI></Target><Source><LocURI>https://mdm.test</LocURI></Source></SyncHdr><SyncBody>${Array.from({ length: n }, (_, i) => `<Get><CmdID>${i + 2}</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get>`).join("")}${final ? "<Final/>" : ""}</SyncBody></SyncML>`;
  const session = (answer: HttpHandler, sessionLimits: ProtocolContext["sessionLimits"], maxResponseBytes = 64 * 1024) => {
    const { ctx, clock, http } = ctxFor(answer);
    ctx.sessionLimits = sessionLimits;
    ctx.maxResponseBytes = maxResponseBytes;
    let processed = 0;
    const p = runDmSession(ctx, { http: http.client(), addr: "https://mdm.test/ManagementServer/MDM.svc", deviceId: "0123456789ABCDEF0123456789ABCDEF", sessionId: "1", alerts: [], devInfo: [], processor: { process: (m) => (processed += m.body.length, []) } });
    return clock.run(p, 60_000).then(() => ({ err: undefined, processed }), (e: SimError) => ({ err: e, processed }));
  };
  it("commands over limits.sessionCommands end the session with limit.session-commands naming the limit; a large message is refused before it is parsed or run", async () => {
    const over = await session(async () => res(200, "application/vnd.syncml.dm+xml", gets(3000)), { commands: 2000, bytes: 1 << 30 }, 4 << 20);
    expect(over.err).toMatchObject({ code: "limit.session-commands", blame: "server", step: "dm.session", device: "windows-11-laptop#7" });
    expect(over.err!.message).toContain("limits.sessionCommands = 2000");
    expect(over.processed).toBe(0);
    // Counted over the session: 40 per message, no Final, limit 100 → the third message is refused after two were run.
    const across = await session(async () => res(200, "application/vnd.syncml.dm+xml", gets(40, false)), { commands: 100, bytes: 1 << 30 });
    expect(across.err).toMatchObject({ code: "limit.session-commands", step: "dm.session" });
    expect(across.processed).toBe(80);
  });
  it("response bytes over limits.sessionBytes end the session with limit.session-bytes; a session that never ends names its step", async () => {
    const bytes = await session(async () => res(200, "application/vnd.syncml.dm+xml", gets(10, false)), { commands: 1_000_000, bytes: 5000 });
    expect(bytes.err).toMatchObject({ code: "limit.session-bytes", step: "dm.session" });
    expect(bytes.err!.message).toMatch(/raise limits\.sessionBytes/);
    const endless = await session(async () => res(200, "application/vnd.syncml.dm+xml", gets(1, false)), { commands: 1_000_000, bytes: 1 << 30 });
    expect(endless.err).toMatchObject({ code: "syncml.too-many-messages", step: "dm.session", device: "windows-11-laptop#7" });
  });
  it("mock WNS answers that are not JSON or carry no channel are typed errors", async () => {
    const { openChannel, fetchPushes } = await import("../../../src/protocol/windows/wns.js");
    const { joinDirectory } = await import("../../../src/protocol/windows/join.js");
    const bad = ctxFor(async () => res(200, "application/json", "[1,2"));
    await expect(bad.clock.run(openChannel(bad.ctx, "https://wns.test", "00"), 60_000)).rejects.toMatchObject({ code: "wns.bad-json", step: "wns.channel" });
    const none = ctxFor(async () => res(200, "application/json", '{"channelUri":"javascript:1"}'));
    await expect(none.clock.run(openChannel(none.ctx, "https://wns.test", "00"), 60_000)).rejects.toMatchObject({ code: "wns.no-channel" });
    const neg = ctxFor(async () => res(200, "application/json", '{"pending":-1}'));
    await expect(neg.clock.run(fetchPushes(neg.ctx, "https://wns.test/channels/x"), 60_000)).rejects.toMatchObject({ code: "wns.bad-pending", step: "wns.receive" });
    const html = ctxFor(async () => res(403, "text/html", "<html/>"));
    await expect(html.clock.run(joinDirectory(html.ctx, "https://drs.test/join", { upn: "a@b.c", deviceId: "00", bulk: false }), 60_000)).rejects.toMatchObject({ code: "join.content-type", step: "join.register" });
    const refused = ctxFor(async () => res(403, "application/json", JSON.stringify({ error: "0x801C0003", message: "x".repeat(5000) })));
    const out = await refused.clock.run(joinDirectory(refused.ctx, "https://drs.test/join", { upn: "a@b.c", deviceId: "00", bulk: false }), 60_000);
    expect(out).toMatchObject({ status: "refused", error: "0x801C0003" });
    expect((out as { message: string }).message.length).toBe(300);
  });
  it("a server that never stops sending commands is cut off", async () => {
    const err = await run(async () =>
      res(200, "application/vnd.syncml.dm+xml", '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><SessionID>1</SessionID><MsgID>1</MsgID></SyncHdr><SyncBody><Get><CmdID>2</CmdID><Item><Target><LocURI>./DevDetail/SwV</LocURI></Target></Item></Get><Final/></SyncBody></SyncML>'),
    );
    expect(err).toMatchObject({ code: "syncml.too-many-messages" });
  });
});

import { federatedSignIn } from "../../../src/protocol/windows/federated.js";
describe("federated sign-in against hostile pages", () => {
  const run = async (handler: HttpHandler) => {
    const { ctx, clock } = ctxFor(handler);
    try {
      return await clock.run(federatedSignIn(ctx, "https://mdm.test/auth?client-request-id=1", "a@contoso.com", "pw"), 60_000);
    } catch (e) {
      return e as SimError;
    }
  };
  it("never follows a redirect to another origin: https is the identity provider (an outcome, issue 12 #9), http a server fault", async () => {
    let calls = 0;
    const idp = await run(async () => (calls++, { status: 302, headers: { location: "https://idp.test/login" }, body: new Uint8Array(), url: "" }));
    expect(idp).toEqual({ status: "identity-provider", location: "https://idp.test/login" });
    expect(calls).toBe(1);
    const err = await run(async () => ({ status: 302, headers: { location: "http://evil.test/login" }, body: new Uint8Array(), url: "" }));
    expect(err).toMatchObject({ code: "auth.redirect-off-origin", step: "auth.federated", device: "windows-11-laptop#7", blame: "server" });
  });
  it("a page without any form is a typed error; a form posting off-origin too", async () => {
    expect(await run(async () => res(200, "text/html", "<html>nothing</html>"))).toMatchObject({ code: "auth.no-form" });
    // A page with nothing to submit that says something is the identity provider's own error or block page: an outcome with its words.
    const page = await run(async () => res(200, "text/html", "<html><head><title>Sign In</title><style>p{}</style></head><body><h1>Access&nbsp;denied</h1><script>x()</script><p>Ask   your &amp; admin.</p></body></html>"));
    expect(page).toEqual({ status: "page", httpStatus: 200, page: { title: "Sign In", heading: "Access denied", text: "Access denied Ask your & admin." } });
    expect(await run(async () => res(200, "text/html", '<form method="post" action="https://evil.test/x"><input name="password"></form>'))).toMatchObject({ code: "auth.form-off-origin" });
  });
  it("merges appru and login_hint into the server's query and takes wresult", async () => {
    let seen = "";
    const out = await run(async (req) => {
      seen = req.url;
      return res(200, "text/html", '<form method="post" action="ms-app://windows.immersivecontrolpanel"><input type="hidden" name="wresult" value="tok&amp;en"></form>');
    });
    expect(out).toEqual({ status: "token", token: "tok&en" });
    expect(seen).toContain("client-request-id=1");
    expect(seen).toContain("login_hint=a%40contoso.com");
  });
});

describe("OMA-DM MD5 challenge", () => {
  it("401 with a Chal: the device recomputes with the new nonce and resends once", async () => {
    const seen: string[] = [];
    const { ctx, clock, http } = ctxFor(async (req) => {
      const text = new TextDecoder().decode(req.body);
      const cred = /<Cred>.*?<Data>([^<]*)<\/Data><\/Cred>/.exec(text)?.[1] ?? "";
      seen.push(cred);
      const ok = seen.length > 1;
      return res(
        200,
        "application/vnd.syncml.dm+xml",
        `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><SessionID>1</SessionID><MsgID>1</MsgID></SyncHdr><SyncBody><Status><CmdID>1</CmdID><MsgRef>1</MsgRef><CmdRef>0</CmdRef><Cmd>SyncHdr</Cmd><Chal><Meta><Format xmlns="syncml:metinf">b64</Format><Type xmlns="syncml:metinf">syncml:auth-md5</Type><NextNonce xmlns="syncml:metinf">Tm9uY2U=</NextNonce></Meta></Chal><Data>${ok ? "212" : "401"}</Data></Status><Final/></SyncBody></SyncML>`,
      );
    });
    const md5 = { name: "Bruce2", secret: "OhBehave", nonce: new TextEncoder().encode("stale") };
    const out = await clock.run(runDmSession(ctx, { http: http.client(), addr: "https://mdm.test/MDM.svc", deviceId: "D", sessionId: "1", alerts: [], devInfo: [], processor: { process: () => [] }, md5 }));
    expect(out.hdrStatus).toBe("212");
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe("Zz6EivR3yeaaENcRN6lpAQ=="); // the OMA vector: nonce "Nonce" from the Chal
  });
});

describe("strict mode", () => {
  it("a deviation the lenient client records becomes a failure", async () => {
    const body = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:RelatesTo>urn:uuid:urn:uuid:1</a:RelatesTo></s:Header><s:Body><DiscoverResponse xmlns="http://schemas.microsoft.com/windows/management/2012/01/enrollment"><DiscoverResult><AuthPolicy>OnPremise</AuthPolicy><EnrollmentServiceUrl>https://mdm.test/e</EnrollmentServiceUrl></DiscoverResult></DiscoverResponse></s:Body></s:Envelope>`;
    const input = { upn: "a@contoso.com", requestVersion: "5.0", applicationVersion: "1", osEdition: "4", authPolicies: ["OnPremise" as const], url: URL_ };
    const lenient = ctxFor(async (req) => (req.method === "GET" ? res(200, "text/html", "") : res(200, "application/soap+xml", body)));
    const ok = await lenient.clock.run(discover(lenient.ctx, input));
    expect(ok.status).toBe("found");
    expect(lenient.events.some((e) => e.kind === "note" && JSON.stringify(e.data).includes("soap.relates-to-doubled"))).toBe(true);
    const strict = ctxFor(async (req) => (req.method === "GET" ? res(200, "text/html", "") : res(200, "application/soap+xml", body)));
    await expect(strict.clock.run(discover(strict.ctx, { ...input, strict: true }))).rejects.toMatchObject({ code: "soap.relates-to-doubled", step: "discovery.post" });
  });
});
