// SPDX-License-Identifier: MIT
/**
 * SyncML 1.2 (OMA-DM, MS-MDM) messages: SyncHdr + SyncBody with Alert, Replace, Get, Add, Delete,
 * Exec, Atomic, Sequence, Status, Results. Compact XML by default, pretty on request. The reader is
 * lenient like a Windows client (local names, MsgId/MsgID case, missing namespace) and records each
 * leniency as a finding; a message without SyncHdr is a ProtocolViolationError.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { NS } from "./ns.js";
import { child, el, nodeToXml, parseXml, textAt, writeXml, type El, type Finding, type XmlLimits, type XmlNode } from "./xml.js";

export interface Meta {
  format?: string;
  type?: string;
  mark?: string;
  maxMsgSize?: string;
  nextNonce?: string;
}

export interface Item {
  target?: string;
  source?: string;
  meta?: Meta;
  data?: string;
}

export const COMMAND_VERBS = ["Alert", "Replace", "Get", "Add", "Delete", "Exec", "Atomic", "Sequence", "Status", "Results", "Copy", "Map", "Sync"] as const;

export interface Command {
  verb: string;
  cmdId?: string;
  meta?: Meta;
  items: Item[];
  /** Alert code, or Status code. */
  data?: string;
  /** Atomic / Sequence children. */
  children?: Command[];
  /** Status / Results. */
  msgRef?: string;
  cmdRef?: string;
  cmd?: string;
  targetRef?: string;
  sourceRef?: string;
  chalNextNonce?: string;
}

export interface SyncHdr {
  verDTD: string;
  verProto: string;
  sessionId: string;
  msgId: string;
  target: string;
  source: string;
  sourceName?: string;
  cred?: { type: string; format: string; data: string };
  maxMsgSize?: string;
}

export interface SyncMLMessage {
  hdr: SyncHdr;
  body: Command[];
  final: boolean;
}

const metaEl = (m: Meta | undefined): El | undefined =>
  m && Object.values(m).some((v) => v !== undefined)
    ? el(
        "Meta",
        {},
        m.format ? el("Format", { xmlns: NS.metinf }, m.format) : undefined,
        m.type ? el("Type", { xmlns: NS.metinf }, m.type) : undefined,
        m.mark ? el("Mark", { xmlns: NS.metinf }, m.mark) : undefined,
        m.maxMsgSize ? el("MaxMsgSize", { xmlns: NS.metinf }, m.maxMsgSize) : undefined,
        m.nextNonce ? el("NextNonce", { xmlns: NS.metinf }, m.nextNonce) : undefined,
      )
    : undefined;

const itemEl = (i: Item): El =>
  el(
    "Item",
    {},
    i.target !== undefined ? el("Target", {}, el("LocURI", {}, i.target)) : undefined,
    i.source !== undefined ? el("Source", {}, el("LocURI", {}, i.source)) : undefined,
    metaEl(i.meta),
    i.data !== undefined ? el("Data", {}, i.data) : undefined,
  );

function commandEl(c: Command): El {
  if (c.verb === "Status") {
    return el(
      "Status",
      {},
      el("CmdID", {}, c.cmdId ?? ""),
      el("MsgRef", {}, c.msgRef ?? ""),
      el("CmdRef", {}, c.cmdRef ?? ""),
      el("Cmd", {}, c.cmd ?? ""),
      c.targetRef !== undefined ? el("TargetRef", {}, c.targetRef) : undefined,
      c.sourceRef !== undefined ? el("SourceRef", {}, c.sourceRef) : undefined,
      c.chalNextNonce ? el("Chal", {}, metaEl({ format: "b64", type: "syncml:auth-md5", nextNonce: c.chalNextNonce })) : undefined,
      el("Data", {}, c.data ?? ""),
    );
  }
  if (c.verb === "Results") {
    return el("Results", {}, el("CmdID", {}, c.cmdId ?? ""), el("MsgRef", {}, c.msgRef ?? ""), el("CmdRef", {}, c.cmdRef ?? ""), ...c.items.map(itemEl));
  }
  return el(
    c.verb,
    {},
    c.cmdId !== undefined ? el("CmdID", {}, c.cmdId) : undefined,
    metaEl(c.meta),
    c.verb === "Alert" && c.data !== undefined ? el("Data", {}, c.data) : undefined,
    ...(c.children ?? []).map(commandEl),
    ...c.items.map(itemEl),
  );
}

export function writeSyncML(m: SyncMLMessage, pretty = false): string {
  const h = m.hdr;
  return writeXml(
    el(
      "SyncML",
      { xmlns: NS.syncml },
      el(
        "SyncHdr",
        {},
        el("VerDTD", {}, h.verDTD),
        el("VerProto", {}, h.verProto),
        el("SessionID", {}, h.sessionId),
        el("MsgID", {}, h.msgId),
        el("Target", {}, el("LocURI", {}, h.target)),
        el("Source", {}, el("LocURI", {}, h.source), h.sourceName ? el("LocName", {}, h.sourceName) : undefined),
        h.cred ? el("Cred", {}, metaEl({ format: h.cred.format, type: h.cred.type }), el("Data", {}, h.cred.data)) : undefined,
        h.maxMsgSize ? metaEl({ maxMsgSize: h.maxMsgSize }) : undefined,
      ),
      el("SyncBody", {}, ...m.body.map(commandEl), m.final ? el("Final") : undefined),
    ),
    { pretty },
  );
}

function readMeta(n: XmlNode | undefined): Meta | undefined {
  if (!n) return undefined;
  const m: Meta = {};
  const f = textAt(n, ["Format"]);
  if (f !== undefined) m.format = f;
  const t = textAt(n, ["Type"]);
  if (t !== undefined) m.type = t;
  const k = textAt(n, ["Mark"]);
  if (k !== undefined) m.mark = k;
  const s = textAt(n, ["MaxMsgSize"]);
  if (s !== undefined) m.maxMsgSize = s;
  const nn = textAt(n, ["NextNonce"]);
  if (nn !== undefined) m.nextNonce = nn;
  return m;
}

function readItem(n: XmlNode, findings: Finding[]): Item {
  const i: Item = {};
  const t = textAt(n, ["Target", "LocURI"], findings);
  if (t !== undefined) i.target = t;
  const s = textAt(n, ["Source", "LocURI"], findings);
  if (s !== undefined) i.source = s;
  const meta = readMeta(child(n, "Meta"));
  if (meta) i.meta = meta;
  const d = child(n, "Data", findings);
  // Data keeps its exact text (ADMX CDATA must round-trip byte-exact); only nested XML is re-serialised.
  if (d) i.data = d.children.length ? d.text.trim() + d.children.map(nodeToXml).join("") : d.text;
  return i;
}

function readCommand(n: XmlNode, findings: Finding[], depth = 0): Command {
  const c: Command = { verb: n.local, items: [] };
  const canonical = COMMAND_VERBS.find((v) => v.toLowerCase() === n.local.toLowerCase());
  if (canonical && canonical !== n.local) {
    findings.push({ code: "syncml.case", message: `<${n.local}> accepted as ${canonical}` });
    c.verb = canonical;
  }
  const id = textAt(n, ["CmdID"], findings);
  if (id !== undefined) c.cmdId = id;
  const meta = readMeta(child(n, "Meta"));
  if (meta) c.meta = meta;
  for (const k of n.children) {
    const l = k.local.toLowerCase();
    if (l === "item") c.items.push(readItem(k, findings));
    else if ((c.verb === "Atomic" || c.verb === "Sequence") && COMMAND_VERBS.some((v) => v.toLowerCase() === l)) {
      if (depth > 8) throw new ProtocolViolationError("syncml.too-deep", "Atomic/Sequence nested deeper than 8");
      (c.children ??= []).push(readCommand(k, findings, depth + 1));
    } else if (c.verb === "Atomic" || c.verb === "Sequence") {
      if (!["cmdid", "meta", "noresp"].includes(l)) (c.children ??= []).push({ verb: k.local, items: [], cmdId: textAt(k, ["CmdID"]) });
    }
  }
  if (c.verb === "Status" || c.verb === "Results") {
    c.msgRef = textAt(n, ["MsgRef"], findings);
    c.cmdRef = textAt(n, ["CmdRef"], findings);
    c.cmd = textAt(n, ["Cmd"], findings);
    c.targetRef = textAt(n, ["TargetRef"], findings);
    c.sourceRef = textAt(n, ["SourceRef"], findings);
    const nonce = textAt(n, ["Chal", "Meta", "NextNonce"], findings);
    if (nonce) c.chalNextNonce = nonce;
  }
  if (c.verb === "Status" || c.verb === "Alert") c.data = textAt(n, ["Data"], findings);
  return c;
}

export function parseSyncML(input: string | Uint8Array, what = "SyncML message", limits?: Partial<XmlLimits>): SyncMLMessage & { findings: Finding[] } {
  const findings: Finding[] = [];
  const root = parseXml(input, what, limits);
  if (root.local.toLowerCase() !== "syncml") throw new ProtocolViolationError("syncml.not-syncml", `${what}: root element is <${root.name}>`);
  if (root.ns !== NS.syncml) {
    const declared = Object.keys(root.attrs).filter((k) => k !== "xmlns");
    findings.push({
      code: "syncml.namespace",
      message: `SyncML namespace is ${root.ns ?? "(none)"}${declared.length ? ` (attributes: ${declared.join(", ")})` : ""}`,
    });
  }
  const hdrNode = child(root, "SyncHdr", findings);
  if (!hdrNode) throw new ProtocolViolationError("syncml.no-synchdr", `${what} has no SyncHdr`);
  const msgIdNode = hdrNode.children.find((c) => c.local === "MsgID") ?? hdrNode.children.find((c) => c.local.toLowerCase() === "msgid");
  if (msgIdNode && msgIdNode.local !== "MsgID") findings.push({ code: "syncml.msgid-case", message: `<${msgIdNode.local}> instead of <MsgID>` });
  const hdr: SyncHdr = {
    verDTD: textAt(hdrNode, ["VerDTD"]) ?? "",
    verProto: textAt(hdrNode, ["VerProto"]) ?? "",
    sessionId: textAt(hdrNode, ["SessionID"], findings) ?? "",
    msgId: msgIdNode?.text.trim() ?? "",
    target: textAt(hdrNode, ["Target", "LocURI"]) ?? "",
    source: textAt(hdrNode, ["Source", "LocURI"]) ?? "",
  };
  if (!hdr.msgId) throw new ProtocolViolationError("syncml.no-msgid", `${what}: SyncHdr has no MsgID`);
  const name = textAt(hdrNode, ["Source", "LocName"]);
  if (name) hdr.sourceName = name;
  const cred = child(hdrNode, "Cred");
  if (cred) hdr.cred = { type: textAt(cred, ["Meta", "Type"]) ?? "", format: textAt(cred, ["Meta", "Format"]) ?? "", data: textAt(cred, ["Data"]) ?? "" };
  const maxMsgSize = textAt(hdrNode, ["Meta", "MaxMsgSize"]);
  if (maxMsgSize) hdr.maxMsgSize = maxMsgSize;
  const bodyNode = child(root, "SyncBody", findings);
  if (!bodyNode) throw new ProtocolViolationError("syncml.no-syncbody", `${what} has no SyncBody`);
  const body: Command[] = [];
  let final = false;
  for (const k of bodyNode.children) {
    if (k.local.toLowerCase() === "final") final = true;
    else body.push(readCommand(k, findings));
  }
  const ids = body.map((c) => c.cmdId).filter(Boolean);
  if (new Set(ids).size !== ids.length) findings.push({ code: "syncml.duplicate-cmdid", message: "duplicate CmdIDs in one message" });
  return { hdr, body, final, findings };
}
