// SPDX-License-Identifier: MIT
/**
 * SOAP 1.2 + WS-Addressing envelopes as Windows writes them (prefixes s:, a:, u:, wsse:), and
 * reading of any envelope (local-name matching, findings for deviations), including faults
 * mapped to MENROLL_E_* outcomes.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { ERRORTYPE_TO_MENROLL, MENROLL, SUBCODE_TO_MENROLL, hresultHex, uiTextFor } from "./menroll.js";
import { ACTION, ANONYMOUS, NS, TOKEN } from "./ns.js";
import { attr, child, el, parseXml, textAt, writeXml, type El, type Finding, type XmlLimits, type XmlNode } from "./xml.js";

export type SecurityToken =
  | { kind: "username"; username: string; password: string }
  | { kind: "binary"; valueType: string; token: string };

export interface EnvelopeSpec {
  action: string;
  messageId: string;
  to: string;
  relatesTo?: string;
  security?: SecurityToken;
  body: El;
  /** Extra namespace declarations on the envelope. */
  xmlns?: Record<string, string>;
}

/** Windows-shaped request envelope (compact unless `pretty`). */
export function buildEnvelope(spec: EnvelopeSpec, pretty = false): string {
  const header: El[] = [
    el("a:Action", { "s:mustUnderstand": "1" }, spec.action),
    ...(spec.relatesTo ? [el("a:RelatesTo", {}, spec.relatesTo)] : [el("a:MessageID", {}, spec.messageId)]),
  ];
  if (!spec.relatesTo) header.push(el("a:ReplyTo", {}, el("a:Address", {}, ANONYMOUS)));
  header.push(el("a:To", { "s:mustUnderstand": "1" }, spec.to));
  if (spec.security) header.push(securityHeader(spec.security));
  const env = el(
    "s:Envelope",
    { "xmlns:s": NS.soap, "xmlns:a": NS.wsa, "xmlns:u": NS.wsu, ...(spec.xmlns ?? {}) },
    el("s:Header", {}, ...header),
    el("s:Body", {}, spec.body),
  );
  return writeXml(env, { pretty });
}

function securityHeader(t: SecurityToken): El {
  const inner =
    t.kind === "username"
      ? el(
          "wsse:UsernameToken",
          { "u:Id": "uuid-cc1ccc1f-2fba-4bcf-b063-ffc0cac77917-4" },
          el("wsse:Username", {}, t.username),
          el("wsse:Password", { Type: TOKEN.passwordText }, t.password),
        )
      : el("wsse:BinarySecurityToken", { ValueType: t.valueType, EncodingType: TOKEN.base64binary }, t.token);
  return el("wsse:Security", { "xmlns:wsse": NS.wsse, "s:mustUnderstand": "1" }, inner);
}

export interface SoapFault {
  code?: string;
  subcode?: string;
  reason?: string;
  errorType?: string;
  detailMessage?: string;
  traceId?: string;
  /** MENROLL_E_* constant (detail ErrorType wins over the subcode). */
  name: string;
  hresult: number;
  hresultHex: string;
  uiText: string;
}

export interface Envelope {
  root: XmlNode;
  header?: XmlNode;
  body: XmlNode;
  action?: string;
  messageId?: string;
  relatesTo?: string;
  security?: SecurityToken;
  fault?: SoapFault;
  findings: Finding[];
}

const stripUrn = (s: string | undefined, findings: Finding[]): string | undefined => {
  if (!s) return s;
  if (/^urn:uuid:urn:uuid:/i.test(s)) findings.push({ code: "soap.relates-to-doubled", message: `RelatesTo has a doubled urn:uuid: prefix (${s})` });
  return s.replace(/^(urn:uuid:)+/i, "");
};

/** Parses any SOAP envelope; non-SOAP input is a ProtocolViolationError. */
export function parseEnvelope(input: string | Uint8Array, what: string, limits?: Partial<XmlLimits>): Envelope {
  const findings: Finding[] = [];
  const root = parseXml(input, what, limits);
  if (root.local.toLowerCase() !== "envelope") {
    throw new ProtocolViolationError("soap.not-envelope", `${what}: root element is <${root.name}>, not a SOAP Envelope`);
  }
  if (root.ns !== NS.soap) findings.push({ code: "soap.namespace", message: `Envelope namespace is ${root.ns ?? "(none)"}, not SOAP 1.2` });
  const header = child(root, "Header", findings);
  const body = child(root, "Body", findings);
  if (!body) throw new ProtocolViolationError("soap.no-body", `${what}: SOAP envelope without a Body`);
  const security = readSecurity(child(header, "Security", findings));
  const env: Envelope = {
    root,
    header,
    body,
    action: textAt(header, ["Action"], findings),
    messageId: stripUrn(textAt(header, ["MessageID"], findings), findings),
    relatesTo: stripUrn(textAt(header, ["RelatesTo"], findings), findings),
    security,
    findings,
  };
  const faultNode = child(body, "Fault", findings);
  if (faultNode) env.fault = readFault(faultNode, findings);
  return env;
}

function readSecurity(sec: XmlNode | undefined): SecurityToken | undefined {
  if (!sec) return undefined;
  const ut = child(sec, "UsernameToken");
  if (ut) return { kind: "username", username: textAt(ut, ["Username"]) ?? "", password: textAt(ut, ["Password"]) ?? "" };
  const bst = child(sec, "BinarySecurityToken");
  if (bst) return { kind: "binary", valueType: attr(bst, "ValueType") ?? "", token: bst.text.trim() };
  return undefined;
}

const localOf = (q: string | undefined) => (q && q.includes(":") ? q.slice(q.indexOf(":") + 1) : q);

export function readFault(f: XmlNode, findings: Finding[] = []): SoapFault {
  const code = localOf(textAt(f, ["Code", "Value"], findings));
  const subcode = localOf(textAt(f, ["Code", "Subcode", "Value"], findings));
  const reason = textAt(f, ["Reason", "Text"], findings);
  const detail = child(child(f, "Detail", findings), "DeviceEnrollmentServiceError", findings);
  const errorType = textAt(detail, ["ErrorType"], findings);
  const byType = errorType ? ERRORTYPE_TO_MENROLL[errorType.toLowerCase()] : undefined;
  const bySub = subcode ? SUBCODE_TO_MENROLL[subcode.toLowerCase()] : undefined;
  const name = byType ?? bySub ?? "MENROLL_E_DEVICE_UNKNOWN_ERROR";
  const m = MENROLL[name]!;
  return {
    code,
    subcode,
    reason,
    errorType,
    detailMessage: textAt(detail, ["Message"], findings),
    traceId: textAt(detail, ["TraceId"], findings),
    name,
    hresult: m.hresult,
    hresultHex: hresultHex(m.hresult),
    uiText: uiTextFor(m),
  };
}

export interface FaultSpec {
  relatesTo?: string;
  /** s:Sender | s:Receiver */
  code?: "Sender" | "Receiver";
  /** e.g. "s:Authorization", "a:InternalServiceFault" */
  subcode: string;
  reason: string;
  errorType?: string;
  message?: string;
  traceId?: string;
}

/** A MS-MDE2 §2.2.10 fault envelope (server side). */
export function buildFault(f: FaultSpec): string {
  const env = el(
    "s:Envelope",
    { "xmlns:s": NS.soap, "xmlns:a": NS.wsa },
    el(
      "s:Header",
      {},
      el("a:Action", { "s:mustUnderstand": "1" }, ACTION.enrollFault),
      f.relatesTo ? el("a:RelatesTo", {}, `urn:uuid:${f.relatesTo}`) : undefined,
      el("ActivityId", { CorrelationId: f.traceId ?? "00000000-0000-0000-0000-000000000000", xmlns: NS.diag }, f.traceId ?? ""),
    ),
    el(
      "s:Body",
      {},
      el(
        "s:Fault",
        {},
        el("s:Code", {}, el("s:Value", {}, `s:${f.code ?? "Receiver"}`), el("s:Subcode", {}, el("s:Value", {}, f.subcode))),
        el("s:Reason", {}, el("s:Text", { "xml:lang": "en-US" }, f.reason)),
        f.errorType
          ? el(
              "s:Detail",
              {},
              el(
                "DeviceEnrollmentServiceError",
                { xmlns: NS.enrollment },
                el("ErrorType", {}, f.errorType),
                el("Message", {}, f.message ?? f.reason),
                el("TraceId", {}, f.traceId ?? ""),
              ),
            )
          : undefined,
      ),
    ),
  );
  return writeXml(env);
}

/** A response envelope (server side). */
export function buildResponse(action: string, relatesTo: string | undefined, body: El, extraHeader: El[] = []): string {
  return writeXml(
    el(
      "s:Envelope",
      { "xmlns:s": NS.soap, "xmlns:a": NS.wsa, "xmlns:u": NS.wsu },
      el(
        "s:Header",
        {},
        el("a:Action", { "s:mustUnderstand": "1" }, action),
        relatesTo ? el("a:RelatesTo", {}, `urn:uuid:${relatesTo}`) : undefined,
        ...extraHeader,
      ),
      el("s:Body", {}, body),
    ),
  );
}
