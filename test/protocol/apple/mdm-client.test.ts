// SPDX-License-Identifier: MIT
/** The MDM client against scripted servers: PUT, content types, signatures, hostile replies. */
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import type { HttpRequest, HttpResponse } from "../../../src/ports/http.js";
import { MdmClient, type CommandHandler } from "../../../src/protocol/apple/mdm-client.js";
import { ProtocolViolationError, SimError, TransportError } from "../../../src/errors/index.js";
import { CHECKIN_CONTENT_TYPE, buildCommand, buildTokenUpdate, parseCheckin, parseCommandResult, verifyMdmSignature } from "../../../src/wire/apple/mdm.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { harness } from "../../support/scep-harness.js";
import { crypto, testPki, type TestPki } from "../../wire/apple/helpers.js";

const TOPIC = "com.apple.mgmt.External.test";
const ok = (body: Uint8Array = new Uint8Array(0), type = "application/xml"): HttpResponse => ({ status: 200, headers: body.length ? { "content-type": type } : {}, body, url: "" });
const cmdBody = (uuid: string, type: string, payload = {}) => buildPlistBytes(buildCommand(uuid, type, payload));

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

function setup(server: (req: HttpRequest, n: number) => HttpResponse, signed = false) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 21));
  const seen: HttpRequest[] = [];
  const http = new InMemoryHttp({
    clock,
    handler: async (req) => {
      seen.push(req);
      return server(req, seen.length);
    },
  });
  const h = harness(http, clock, { url: "http://unused/scep" }, "iphone-15#0");
  const client = new MdmClient(
    h.ctx,
    { topic: TOPIC, serverURL: "https://mdm.test/mdm", checkInURL: "https://mdm.test/checkin", ref: { udid: "UDID-1" } },
    { http: h.ctx.http, ...(signed ? { signer: { cert: pki.leaf, key: pki.leafKey, crypto } } : {}) },
  );
  return { client, seen, clock, h };
}

const ack: CommandHandler = async () => ({ status: "Acknowledged", extra: { Answer: 42 } });

describe("MDM client", () => {
  it("check-in is a PUT with the aspen check-in content type; the body parses as the server would", async () => {
    const { client, seen } = setup(() => ok());
    await client.checkin(buildTokenUpdate({ topic: TOPIC, ref: { udid: "UDID-1" }, token: new Uint8Array(32), pushMagic: "PM", awaitingConfiguration: true }));
    expect(seen[0]).toMatchObject({ method: "PUT", url: "https://mdm.test/checkin" });
    expect(seen[0]!.headers!["content-type"]).toBe(CHECKIN_CONTENT_TYPE);
    expect(seen[0]!.headers!["mdm-signature"]).toBeUndefined();
    expect(parseCheckin(seen[0]!.body!).dict).toMatchObject({ MessageType: "TokenUpdate", AwaitingConfiguration: true });
  });

  it("a session runs Idle → command → result → … until an empty 200; Mdm-Signature on every body when signing", async () => {
    const { client, seen } = setup((_req, n) => (n === 1 ? ok(cmdBody("c1", "ProfileList")) : n === 2 ? ok(cmdBody("c2", "SecurityInfo")) : ok()), true);
    const report = await client.session(ack);
    expect(report).toMatchObject({ commands: 2, statuses: { Acknowledged: 2 }, requestTypes: ["ProfileList", "SecurityInfo"] });
    expect(seen.map((r) => parseCommandResult(r.body!).status)).toEqual(["Idle", "Acknowledged", "Acknowledged"]);
    expect(parseCommandResult(seen[1]!.body!).dict.Answer).toBe(42);
    for (const r of seen) {
      expect(r.method).toBe("PUT");
      expect(verifyMdmSignature(r.headers!["mdm-signature"]!, r.body!, crypto).ok).toBe(true);
    }
  });

  it("a command whose Command is unusable gets CommandFormatError for its UUID", async () => {
    const bad = buildPlistBytes({ CommandUUID: "c9", Command: { RequestType: 7 } });
    const { client, seen } = setup((_r, n) => (n === 1 ? ok(bad) : ok()));
    await client.session(ack);
    expect(parseCommandResult(seen[1]!.body!)).toMatchObject({ status: "CommandFormatError", commandUUID: "c9" });
  });

  it("hostile replies end the flow with typed errors naming device and step", async () => {
    const expectError = async (reply: HttpResponse, code: string | RegExp, step: string) => {
      const { client } = setup((_r, n) => (n === 1 ? reply : ok()));
      const err = await client.session(ack).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SimError);
      expect((err as SimError).code).toMatch(code);
      expect((err as SimError).step).toBe(step);
      expect((err as SimError).device).toBe("iphone-15#0");
    };
    await expectError(ok(new Uint8Array(Buffer.from("<html>oops</html>")), "text/html"), "apple.command.content-type", "command.idle");
    await expectError(ok(new Uint8Array(Buffer.from("not a plist"))), /^plist\./, "command.idle");
    await expectError(ok(new Uint8Array(Buffer.from('<!DOCTYPE plist [<!ENTITY x "y">]><plist><dict/></plist>'))), "plist.entity", "command.idle");
    await expectError(ok(buildPlistBytes({ Command: { RequestType: "X" } })), "plist.missing-key", "command.idle");
    await expectError(ok(new Uint8Array(Buffer.from(`<plist version="1.0">${"<dict><key>a</key>".repeat(100)}</plist>`))), "plist.too-deep", "command.idle");
    await expectError({ status: 500, headers: {}, body: new Uint8Array(0), url: "" }, "transport.http-status", "command.idle");
  });

  it("a NotNow'd command offered again in the same session: NotNow again, or end the session", async () => {
    // NanoMDM style: A, then B, then A again in the same session.
    const script = (_r: HttpRequest, n: number) => (n === 1 ? ok(cmdBody("A", "ProfileList")) : n === 2 ? ok(cmdBody("B", "SecurityInfo")) : n === 3 ? ok(cmdBody("A", "ProfileList")) : ok());
    const handler: CommandHandler = async (c) => ({ status: c.commandUUID === "A" ? "NotNow" : "Acknowledged" });
    const a = setup(script);
    let calls = 0;
    const r = await a.client.session(async (c) => (calls++, handler(c)));
    expect(calls).toBe(2);
    expect(r.statuses).toEqual({ NotNow: 2, Acknowledged: 1 });
    expect(a.seen.map((x) => parseCommandResult(x.body!).status)).toEqual(["Idle", "NotNow", "Acknowledged", "NotNow"]);
    const b = setup(script);
    const h = b.h;
    const ended = new MdmClient(h.ctx, { topic: TOPIC, serverURL: "https://mdm.test/mdm", checkInURL: "https://mdm.test/checkin", ref: { udid: "UDID-1" } }, { http: h.ctx.http }, {}, "end-session");
    const r2 = await ended.session(handler);
    expect(r2.statuses).toEqual({ NotNow: 1, Acknowledged: 1 });
    expect(b.seen).toHaveLength(3);
  });

  it("a server that never stops sending commands is cut off at limits.sessionCommands, and the error says how to raise it", async () => {
    const { client, h } = setup((_r, n) => ok(cmdBody(`c${n}`, "ProfileList")));
    h.ctx.sessionLimits = { commands: 5, bytes: 1 << 20 };
    const err = await client.session(ack).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolViolationError);
    expect(err).toMatchObject({ code: "limit.session-commands", blame: "server", device: "iphone-15#0", step: "command.ProfileList" });
    expect((err as SimError).message).toContain("limits.sessionCommands = 5");
  });

  it("a session whose replies add up past limits.sessionBytes ends with a typed error naming the limit", async () => {
    const { client, h } = setup((_r, n) => ok(cmdBody(`c${n}`, "ProfileList")));
    h.ctx.sessionLimits = { commands: 1000, bytes: 2000 };
    const err = await client.session(ack).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "limit.session-bytes", blame: "server" });
    expect((err as SimError).message).toMatch(/more than limits\.sessionBytes = 2000/);
  });

  it("401 and 403 com.apple.unrecognized.device read as unenrollment; other 403s are errors", async () => {
    expect(await setup(() => ({ status: 401, headers: {}, body: new Uint8Array(0), url: "" })).client.session(ack)).toMatchObject({ unenrolled: true });
    const unrec = { status: 403, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from('{"code":"com.apple.unrecognized.device"}')), url: "" };
    expect(await setup(() => unrec).client.session(ack)).toMatchObject({ unenrolled: true });
    const other = await setup(() => ({ ...unrec, body: new Uint8Array(Buffer.from('{"code":"nope"}')) })).client.session(ack).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(TransportError);
  });

  it("the transcript never holds push tokens or PushMagic", async () => {
    const { client, h } = setup(() => ok());
    await client.checkin(buildTokenUpdate({ topic: TOPIC, ref: { udid: "UDID-1" }, token: new Uint8Array(32).fill(7), pushMagic: "SECRET-PUSH-MAGIC" }));
    const text = JSON.stringify(h.events);
    expect(text).not.toContain("SECRET-PUSH-MAGIC");
    expect(text).not.toContain(Buffer.from(new Uint8Array(32).fill(7)).toString("base64"));
    expect(text).toContain("checkin.tokenupdate");
  });
});
