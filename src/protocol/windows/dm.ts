// SPDX-License-Identifier: MIT
/**
 * The OMA-DM (SyncML 1.2, MS-MDM) client session: package 1 with Alert 1201 (+1224/1226) and the
 * DevInfo Replace, then one package per server message with a Status for the server SyncHdr and
 * for every command (Results for Gets) from the device's command processor, until the server
 * sends nothing but Status/Final. MsgIDs count from 1; CmdIDs start at 1 for the SyncHdr Status,
 * else at 2, as real devices do.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import type { HttpClient } from "../../ports/http.js";
import { DEFAULT_SESSION_LIMITS, decoded, sessionLimitError, step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";
import { MIME } from "../../wire/windows/ns.js";
import { parseSyncML, writeSyncML, type Command, type Item, type SyncMLMessage } from "../../wire/windows/syncml.js";
import type { Finding } from "../../wire/windows/xml.js";
import { md5Credential, type NonceEncoding } from "../../wire/windows/md5-auth.js";
import { fromB64 } from "../../wire/windows/wstep.js";
import { reportFindings } from "./soap-exchange.js";

export interface DmProcessor {
  /** Executes a server message's commands in order; returns Status/Results without CmdIDs. */
  process(msg: SyncMLMessage): Command[];
}

export interface DmSessionInput {
  /** mTLS client holding the enrolled identity. */
  http: HttpClient;
  addr: string;
  deviceId: string;
  sessionId: string;
  /** Alerts of package 1 after 1201 (e.g. 1224 LoginStatus, 1226 generic alerts). */
  alerts: Command[];
  /** Session-opening alert: 1201 client-initiated (scheduled poll, default) or 1200 server-initiated (a push woke the device). */
  initiator?: "1200" | "1201";
  devInfo: Item[];
  processor: DmProcessor;
  pretty?: boolean;
  strict?: boolean;
  /** Bound on messages per session. */
  maxMessages?: number;
  /** `syncml:auth-md5` with the APPAUTH CLIENT credentials; `nonce` is updated from every Chal. */
  md5?: { name: string; secret: string; nonce: Uint8Array; encoding?: NonceEncoding };
}

export interface DmSessionResult {
  messages: number;
  serverCommands: number;
  findings: Finding[];
  /** Verbs the server sent, in order. */
  verbs: string[];
  /** The server's commands (not Status/Results), in order, over all messages of the session. */
  commands: Command[];
  hdrStatus?: string;
}

const USER_AGENT = "MSFT OMA DM Client/1.2.0.1";

/** An opening tag of a SyncML command verb (SyncML 1.2 §6; Status and Results are answers). */
const COMMAND_TAG = /<(?:Add|Alert|Atomic|Copy|Delete|Exec|Get|Replace|Sequence)[\s>/]/g;

/** Server commands of a message, the ones inside Atomic/Sequence included (Status and Results are answers, not commands). */
function countCommands(body: readonly Command[]): number {
  let n = 0;
  for (const c of body) if (c.verb !== "Status" && c.verb !== "Results") n += 1 + (c.children ? countCommands(c.children) : 0);
  return n;
}

export async function runDmSession(ctx0: ProtocolContext, input: DmSessionInput): Promise<DmSessionResult> {
  const ctx: ProtocolContext = { ...ctx0, http: input.http };
  const max = input.maxMessages ?? 20;
  const out: DmSessionResult = { messages: 0, serverCommands: 0, findings: [], verbs: [], commands: [] };
  let msgId = 1;
  let body: Command[] = [{ verb: "Alert", data: input.initiator ?? "1201", items: [] }, ...input.alerts, { verb: "Replace", items: input.devInfo }];
  let firstHasHdrStatus = false;
  /** The server's MaxMsgSize (SyncHdr/Meta), honoured from its first reply on. */
  let maxMsgSize: number | undefined;
  /** Commands of the current package still to send in later messages of the package. */
  let pending: Command[] = [];
  const limits = ctx.sessionLimits ?? DEFAULT_SESSION_LIMITS;
  /** Server commands (nested ones included) and response bytes of this session so far. */
  let commandsSeen = 0;
  let bytesSeen = 0;
  for (;;) {
    if (out.messages >= max) throw new ProtocolViolationError("syncml.too-many-messages", `session did not end within ${max} messages`, { device: ctx.device, step: "dm.session" });
    let next = firstHasHdrStatus ? 1 : 2;
    const hdr0 = { verDTD: "1.2", verProto: "DM/1.2", sessionId: input.sessionId, msgId: String(msgId), target: input.addr, source: input.deviceId };
    let numbered = body.map((c) => ({ ...c, cmdId: String(next++) }));
    // Multi-message package (OMA-DM): split the package so every message fits the server's MaxMsgSize;
    // only the last message carries Final, the server asks for the next with Alert 1222.
    if (maxMsgSize !== undefined) {
      const fits = (cmds: Command[]) => new TextEncoder().encode(writeSyncML({ hdr: hdr0, body: cmds, final: true }, input.pretty)).length + 512 <= maxMsgSize!;
      let n = numbered.length;
      while (n > 1 && !fits(numbered.slice(0, n))) n--;
      if (n === 1 && !fits(numbered.slice(0, 1))) {
        const f = { code: "syncml.command-exceeds-maxmsgsize", message: `one command does not fit MaxMsgSize ${maxMsgSize} (large objects are not split)` };
        out.findings.push(f);
        reportFindings(ctx, "dm.session", [f], input.strict);
      }
      pending = body.slice(n);
      numbered = numbered.slice(0, n);
    }
    const msg: SyncMLMessage = { hdr: hdr0, body: numbered, final: pending.length === 0 };
    const reply = await step(ctx, "dm.session", async () => {
      for (let attempt = 0; ; attempt++) {
        const auth = input.md5;
        if (auth) msg.hdr = { ...msg.hdr, sourceName: auth.name, cred: { type: "syncml:auth-md5", format: "b64", data: md5Credential(auth.name, auth.secret, auth.nonce, ctx.crypto, auth.encoding) } };
        const xml = writeSyncML(msg, input.pretty);
        const res = await exchange(ctx, "dm.session", {
          method: "POST",
          url: input.addr,
          headers: { "content-type": MIME.syncml, "user-agent": USER_AGENT, accept: `${MIME.syncml}, ${MIME.syncmlWbxml}, application/octet-stream`, "accept-charset": "UTF-8" },
          body: new TextEncoder().encode(xml),
        });
        bytesSeen += res.body.length;
        if (bytesSeen > limits.bytes) throw sessionLimitError(ctx, "dm.session", "bytes", bytesSeen, "OMA-DM session");
        const type = mediaType(res);
        if (type !== MIME.syncml) throw new ProtocolViolationError("syncml.content-type", `expected ${MIME.syncml}, got "${type || "(none)"}"`);
        // Before building the message's object tree: a cheap upper bound of its commands (opening
        // tags of command verbs), so a message of thousands of commands costs no parse at all.
        const tags = res.body.length > 64 * 1024 ? (Buffer.from(res.body).toString("latin1").match(COMMAND_TAG) ?? []).length : 0;
        if (commandsSeen + tags > limits.commands) throw sessionLimitError(ctx, "dm.session", "commands", commandsSeen + tags, "OMA-DM session");
        const parsed = parseSyncML(res.body, "server SyncML message");
        commandsSeen += countCommands(parsed.body);
        if (commandsSeen > limits.commands) throw sessionLimitError(ctx, "dm.session", "commands", commandsSeen, "OMA-DM session");
        reportFindings(ctx, "dm.session", parsed.findings, input.strict);
        out.findings.push(...parsed.findings);
        if (parsed.hdr.sessionId !== input.sessionId) {
          const f = { code: "syncml.session-mismatch", message: `server SessionID ${parsed.hdr.sessionId} ≠ ${input.sessionId}` };
          out.findings.push(f);
          reportFindings(ctx, "dm.session", [f], input.strict);
        }
        // AzureBabyMDM echoes the device's own SyncHdr (Target = the server URL, Source = this DeviceID)
        // and Windows runs its commands: lenient, a finding. Any other Target is still refused.
        const echoed = parsed.hdr.target === input.addr && parsed.hdr.source.toUpperCase() === input.deviceId.toUpperCase();
        if (echoed) {
          const f = { code: "syncml.target-echoed", message: `SyncHdr Target/Source not swapped: Target ${parsed.hdr.target}, Source ${parsed.hdr.source}` };
          out.findings.push(f);
          reportFindings(ctx, "dm.session", [f], input.strict);
        } else if (parsed.hdr.target && parsed.hdr.target.toUpperCase() !== input.deviceId.toUpperCase()) {
          // A reply addressed to another device (a server mixing up session state): never execute it.
          throw new ProtocolViolationError("syncml.wrong-target", `the server addressed its reply to ${parsed.hdr.target}, not to this device (${input.deviceId}); its commands were not executed`);
        }
        const hdr = parsed.body.find((c) => c.verb === "Status" && c.cmd === "SyncHdr");
        if (hdr?.chalNextNonce && input.md5) input.md5.nonce = fromB64(hdr.chalNextNonce, "Chal NextNonce", 1024);
        if (hdr?.data === "401" || hdr?.data === "407") {
          // A challenge with a fresh nonce: recompute the digest and resend the same package, once.
          if (input.md5 && hdr.chalNextNonce && attempt === 0) continue;
          throw new ProtocolViolationError("syncml.auth", `server refused the device credentials (SyncHdr Status ${hdr.data})`);
        }
        return parsed;
      }
    });
    out.messages++;
    if (reply.hdr.maxMsgSize !== undefined) {
      const m = Number(reply.hdr.maxMsgSize);
      if (Number.isInteger(m) && m >= 1024 && m <= 16 * 1024 * 1024) maxMsgSize = m;
      else {
        const f = { code: "syncml.bad-maxmsgsize", message: `ignored MaxMsgSize ${reply.hdr.maxMsgSize.slice(0, 32)}` };
        out.findings.push(f);
        reportFindings(ctx, "dm.session", [f], input.strict);
      }
    }
    const hdrStatus = reply.body.find((c) => c.verb === "Status" && c.cmd === "SyncHdr");
    out.hdrStatus = hdrStatus?.data;
    if (pending.length > 0) {
      // Mid-package: the server acknowledges and asks for the next message (Alert 1222).
      if (!reply.body.some((c) => c.verb === "Alert" && c.data === "1222")) {
        const f = { code: "syncml.no-1222", message: "the server answered a non-final message without Alert 1222" };
        out.findings.push(f);
        reportFindings(ctx, "dm.session", [f], input.strict);
      }
      decoded(ctx, "dm.session", { msgId: reply.hdr.msgId, hdrStatus: hdrStatus?.data, moreMessages: pending.length });
      body = pending;
      msgId++;
      continue;
    }
    const commands = reply.body.filter((c) => c.verb !== "Status" && !(c.verb === "Alert" && c.data === "1222"));
    // No Final: the server's package continues in another message. Without commands either, a server
    // that just forgot Final (lenient: the session ends, noted).
    const serverMore = !reply.final && commands.length > 0;
    if (!reply.final && commands.length === 0) {
      const f = { code: "syncml.no-final", message: "server message without Final and without commands; session ended" };
      out.findings.push(f);
      reportFindings(ctx, "dm.session", [f], input.strict);
    }
    out.serverCommands += commands.length;
    out.verbs.push(...commands.map((c) => c.verb));
    out.commands.push(...commands);
    decoded(ctx, "dm.session", {
      msgId: reply.hdr.msgId,
      hdrStatus: hdrStatus?.data,
      commands: commands.map((c) => `${c.verb}${c.items[0]?.target ? ` ${c.items[0].target}` : ""}${c.children ? `[${c.children.map((k) => k.verb).join(",")}]` : ""}`),
    });
    if (commands.length === 0 && !serverMore) return out;
    const responses = commands.length ? input.processor.process({ ...reply, body: reply.body.filter((c) => !(c.verb === "Alert" && c.data === "1222")) }) : [];
    for (const r of responses) if (r.verb === "Status" && r.cmd && r.cmd !== "SyncHdr") ctx.onCommand?.({ protocol: "syncml", command: r.cmd, status: String(r.data ?? "") });
    body = [
      { verb: "Status", msgRef: reply.hdr.msgId, cmdRef: "0", cmd: "SyncHdr", targetRef: input.deviceId, sourceRef: reply.hdr.source, data: "200", items: [] },
      ...responses,
      // The server's package continues in another message: ask for it.
      ...(serverMore ? [{ verb: "Alert", data: "1222", items: [] } as Command] : []),
    ];
    firstHasHdrStatus = true;
    msgId++;
  }
}
