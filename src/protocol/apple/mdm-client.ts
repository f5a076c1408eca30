// SPDX-License-Identifier: MIT
/**
 * The Apple MDM client: check-in messages (PUT CheckInURL, application/x-apple-aspen-mdm-checkin)
 * and command sessions (PUT ServerURL: Idle → command → result → … until an empty 200). The
 * device identity travels as the TLS client certificate (SignMessage false) or in the
 * Mdm-Signature header (SignMessage true); the caller builds `http` accordingly.
 */
import { ProtocolViolationError, TransportError, asSimError } from "../../errors/index.js";
import type { CryptoPort, PrivateKey } from "../../ports/crypto.js";
import type { HttpClient, HttpResponse } from "../../ports/http.js";
import type { AppleErrorItem } from "../../wire/apple/errors.js";
import {
  CHECKIN_CONTENT_TYPE,
  buildCommandResult,
  parseCommand,
  plistBody,
  signMdmBody,
  type CommandStatus,
  type EnrollmentRef,
  type MdmCommand,
} from "../../wire/apple/mdm.js";
import { PlistError, isDict, parsePlistDict, type PlistDict, type PlistLimits } from "../../wire/apple/plist.js";
import type { Certificate } from "../../wire/x509/certificate.js";
import { DEFAULT_SESSION_LIMITS, decoded, deviceNow, sessionLimitError, step, type ProtocolContext } from "../common/context.js";
import { exchange } from "../common/exchange.js";

export interface MdmEndpoint {
  topic: string;
  serverURL: string;
  checkInURL: string;
  ref: EnrollmentRef;
}

export interface MdmTransport {
  /** A client holding the device identity for mTLS, or a plain one when signing. */
  http: HttpClient;
  /** Present when SignMessage is true: every body gets an Mdm-Signature header. */
  signer?: { cert: Certificate; key: PrivateKey; crypto: CryptoPort };
  /** Account-driven enrollment: Authorization: Bearer on every request. */
  bearer?: string;
  /**
   * Account-driven enrollment: a 401 with `WWW-Authenticate: Bearer …` → re-authenticate (a new
   * token, or undefined when that fails) and resend the request once (notes §8.7).
   */
  reauth?: (wwwAuthenticate: string, requestUrl: string) => Promise<string | undefined>;
  userAgent?: string;
}

/** What the device does with one command. */
export interface CommandAnswer {
  status: Exclude<CommandStatus, "Idle">;
  errorChain?: AppleErrorItem[];
  extra?: PlistDict;
}

export type CommandHandler = (cmd: MdmCommand) => Promise<CommandAnswer>;

export type CheckinOutcome =
  | { kind: "ok"; body: Uint8Array; response: HttpResponse }
  /** 401, or 403 com.apple.unrecognized.device: the device treats itself as unenrolled. */
  | { kind: "unenrolled"; status: number }
  /** 410 to UserAuthenticate: the server declines the user channel. */
  | { kind: "declined"; status: 410 };

export interface SessionReport {
  commands: number;
  statuses: Record<string, number>;
  requestTypes: string[];
  /** The server answered 401/403-unrecognized during the session. */
  unenrolled: boolean;
  notNow: number;
}

const XMLISH = /^(application\/(xml|x-plist|x-apple-aspen-mdm|x-apple-plist|octet-stream)|text\/xml|text\/plain)$/;

export class MdmClient {
  /** Command UUIDs answered NotNow in this client's current session. */
  readonly notNowSeen = new Set<string>();

  constructor(
    private readonly ctx: ProtocolContext,
    readonly endpoint: MdmEndpoint,
    private readonly transport: MdmTransport,
    private readonly limits: Partial<PlistLimits> = {},
    /**
     * A command answered NotNow and offered again in the same session (NanoMDM does this): answer
     * NotNow again without running it, or end the session (notes §6: a scenario choice).
     */
    private readonly notNowRedelivery: "not-now" | "end-session" = "not-now",
  ) {}

  /** The HTTP client of this MDM channel (the device identity as TLS client certificate in mTLS mode). */
  get http(): HttpClient {
    return this.transport.http;
  }

  private headers(body: Uint8Array, contentType: string): Record<string, string> {
    const h: Record<string, string> = {};
    h["content-type"] = contentType;
    if (this.transport.userAgent) h["user-agent"] = this.transport.userAgent;
    // signingTime: the device's own clock (state.clockOffset), as the device writes it.
    if (this.transport.signer) h["mdm-signature"] = signMdmBody(body, this.transport.signer.cert, this.transport.signer.key, this.transport.signer.crypto, new Date(deviceNow(this.ctx)));
    if (this.transport.bearer) h["authorization"] = `Bearer ${this.transport.bearer}`;
    return h;
  }

  private async put(stepName: string, url: string, dict: PlistDict, contentType: string): Promise<CheckinOutcome> {
    const body = plistBody(dict);
    const userAuth = dict.MessageType === "UserAuthenticate";
    const send = () =>
      exchange({ ...this.ctx, http: this.transport.http }, stepName, { method: "PUT", url, headers: this.headers(body, contentType), body }, { acceptStatus: userAuth ? [401, 403, 410] : [401, 403] });
    let res = await send();
    const challenge = res.status === 401 ? res.headers["www-authenticate"] : undefined;
    if (challenge && this.transport.reauth && /^\s*Bearer\b/i.test(challenge)) {
      // Mid-session re-authentication: a new Bearer, then the same request once more.
      const token = await this.transport.reauth(challenge, url);
      if (token) {
        this.transport.bearer = token;
        res = await send();
      }
    }
    if (res.status === 410) return { kind: "declined", status: 410 };
    if (res.status === 401) return { kind: "unenrolled", status: 401 };
    if (res.status === 403) {
      const text = Buffer.from(res.body.subarray(0, 4096)).toString("utf8");
      if (text.includes("com.apple.unrecognized.device")) return { kind: "unenrolled", status: 403 };
      throw new TransportError("http-status", `PUT ${url} answered HTTP 403: ${text.slice(0, 200)}`, { status: 403 });
    }
    return { kind: "ok", body: res.body, response: res };
  }

  /** Sends one check-in message; the step is e.g. "checkin.tokenupdate". */
  async checkin(dict: PlistDict, stepName?: string): Promise<CheckinOutcome> {
    const mt = String(dict.MessageType);
    const name = stepName ?? `checkin.${mt.toLowerCase()}`;
    return step(this.ctx, name, async () => {
      let out: CheckinOutcome;
      try {
        out = await this.put(name, this.endpoint.checkInURL, dict, CHECKIN_CONTENT_TYPE);
      } catch (e) {
        // The message that got an HTTP error status still goes into the transcript (under its HTTP line).
        if (e instanceof TransportError && e.kind === "http-status") decoded(this.ctx, name, { ...summarize(dict), status: e.status ?? null });
        throw e;
      }
      decoded(this.ctx, name, { ...summarize(dict), status: out.kind === "ok" ? out.response.status : out.status });
      if (out.kind === "ok" && out.body.length && mt !== "Authenticate" && mt !== "TokenUpdate" && mt !== "CheckOut") {
        const type = (out.response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        const ok = mt === "DeclarativeManagement" ? !type || type === "application/json" || type === "text/plain" || type === "application/octet-stream" : !type || XMLISH.test(type);
        if (!ok) throw new ProtocolViolationError("apple.checkin.content-type", `${mt} reply has Content-Type "${type}" (expected ${mt === "DeclarativeManagement" ? "JSON" : "an XML plist"})`);
      }
      return out;
    });
  }

  /**
   * One command session: Idle, then answer each command until the server sends an empty body.
   * The session's limits (`limits.sessionCommands`, `limits.sessionBytes`) bound a server that never stops.
   */
  async session(handler: CommandHandler): Promise<SessionReport> {
    const report: SessionReport = { commands: 0, statuses: {}, requestTypes: [], unenrolled: false, notNow: 0 };
    const limits = this.ctx.sessionLimits ?? DEFAULT_SESSION_LIMITS;
    let bytes = 0;
    this.notNowSeen.clear();
    let lastStep = "command.idle";
    // A 401 answer is the server unenrolling the device: a value the session returns, but a failed sample.
    const refused = (r: Awaited<ReturnType<MdmClient["report"]>>): boolean => r?.kind === "unenrolled";
    let reply = await step(this.ctx, lastStep, () => this.report("command.idle", buildCommandResult({ ref: this.endpoint.ref, status: "Idle" })), refused);
    while (reply) {
      if (reply.kind === "ok") bytes += reply.body.length;
      if (bytes > limits.bytes) throw sessionLimitError(this.ctx, lastStep, "bytes", bytes, "MDM command session");
      if (reply.kind === "unenrolled") {
        report.unenrolled = true;
        return report;
      }
      if (reply.kind === "declined") return report; // not reachable: 410 is accepted only for UserAuthenticate
      let cmd;
      try {
        cmd = this.readCommand(reply);
      } catch (e) {
        // The reply belongs to the step that sent the previous report.
        throw asSimError(e, { device: this.ctx.device, step: lastStep });
      }
      if (!cmd) return report;
      if (report.commands >= limits.commands) throw sessionLimitError(this.ctx, lastStep, "commands", report.commands + 1, "MDM command session");
      report.commands++;
      let answer: CommandAnswer;
      let stepName: string;
      if ("formatError" in cmd) {
        stepName = "command.format-error";
        answer = { status: "CommandFormatError" };
        decoded(this.ctx, stepName, { commandUUID: cmd.commandUUID, problem: cmd.formatError });
      } else if (this.notNowSeen.has(cmd.commandUUID)) {
        stepName = `command.${cmd.requestType}`;
        decoded(this.ctx, stepName, { commandUUID: cmd.commandUUID, redelivered: true, policy: this.notNowRedelivery });
        if (this.notNowRedelivery === "end-session") return report;
        answer = { status: "NotNow" };
      } else {
        stepName = `command.${cmd.requestType}`;
        decoded(this.ctx, stepName, { commandUUID: cmd.commandUUID, requestType: cmd.requestType, keys: Object.keys(cmd.command).filter((k) => k !== "RequestType") });
        answer = await handler(cmd);
        report.requestTypes.push(cmd.requestType);
      }
      report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
      this.ctx.onCommand?.({ protocol: "apple-mdm", command: "formatError" in cmd ? "(unreadable)" : cmd.requestType, status: answer.status, id: cmd.commandUUID });
      if (answer.status === "NotNow") {
        report.notNow++;
        this.notNowSeen.add(cmd.commandUUID);
      }
      const result = buildCommandResult({ ref: this.endpoint.ref, status: answer.status, commandUUID: cmd.commandUUID, errorChain: answer.errorChain, extra: answer.extra });
      lastStep = stepName;
      reply = await step(this.ctx, stepName, () => this.report(stepName, result), refused);
    }
    return report;
  }

  private async report(stepName: string, dict: PlistDict): Promise<CheckinOutcome> {
    const out = await this.put(stepName, this.endpoint.serverURL, dict, "application/x-apple-aspen-mdm");
    decoded(this.ctx, stepName, { sent: summarize(dict), status: out.kind === "ok" ? out.response.status : out.status });
    return out;
  }

  /** The next command from a reply, or undefined when the body is empty (session over). */
  private readCommand(reply: Extract<CheckinOutcome, { kind: "ok" }>): MdmCommand | { commandUUID: string; formatError: string } | undefined {
    if (reply.body.length === 0) return undefined;
    const type = (reply.response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type && !XMLISH.test(type)) {
      throw new ProtocolViolationError("apple.command.content-type", `the server answered a command report with Content-Type "${type}" (expected an XML plist)`);
    }
    try {
      return parseCommand(reply.body, this.limits);
    } catch (e) {
      if (e instanceof PlistError) throw new ProtocolViolationError(e.code, `unreadable command from the server: ${e.message}`);
      throw e;
    }
  }

  /** Reads a plist reply body to a check-in (GetBootstrapToken, UserAuthenticate). */
  readReply(out: CheckinOutcome): PlistDict | undefined {
    if (out.kind !== "ok" || out.body.length === 0) return undefined;
    return parsePlistDict(out.body, "check-in reply", this.limits);
  }
}

/** Transcript summary: secrets (Token, PushMagic, UnlockToken, BootstrapToken) are named so the redactor masks them. */
function summarize(d: PlistDict): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (v instanceof Uint8Array) out[k] = `<${v.length} bytes>`;
    else if (/token|pushmagic|secret|password|challenge/i.test(k)) out[k] = "<redacted>";
    else if (isDict(v) || Array.isArray(v)) out[k] = Array.isArray(v) ? `<array ${v.length}>` : `<dict ${Object.keys(v).length}>`;
    else out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}
