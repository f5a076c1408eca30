// SPDX-License-Identifier: MIT
/** MS-WSTEP RequestSecurityToken / RequestSecurityTokenResponseCollection (MS-MDE2 §3.4). */
import { ProtocolViolationError } from "../../errors/index.js";
import { NS, TOKEN } from "./ns.js";
import { attr, child, childrenNamed, el, path, textAt, type El, type Finding, type XmlNode } from "./xml.js";

/** AdditionalContext items in the order a Windows 10 19043 device sends them; names may repeat (MAC). */
export type ContextItem = [name: string, value: string];

export interface RstSpec {
  /** PKCS#10 (Issue) or PKCS#7 wrapping it, signed with the current certificate (Renew, MS-MDE2 §3.4 renewal). */
  csrDer: Uint8Array;
  context: ContextItem[];
  renew?: boolean;
}

export const b64 = (u: Uint8Array): string => Buffer.from(u).toString("base64");

/** Strict base64: only the alphabet, padding and whitespace; else a ProtocolViolationError naming `what`. */
export function fromB64(s: string, what: string, max = 1 << 20): Uint8Array {
  const clean = s.replace(/\s+/g, "");
  if (clean.length > max * 1.4) throw new ProtocolViolationError("base64.too-large", `${what} is too large`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new ProtocolViolationError("base64.malformed", `${what} is not valid base64`);
  }
  return new Uint8Array(Buffer.from(clean, "base64"));
}

export function rstBody(r: RstSpec): El {
  return el(
    "wst:RequestSecurityToken",
    { "xmlns:wst": NS.wst, "xmlns:wsse": NS.wsse, "xmlns:ac": NS.ac },
    el("wst:TokenType", {}, TOKEN.deviceEnrollmentToken),
    el("wst:RequestType", {}, r.renew ? TOKEN.renew : TOKEN.issue),
    el("wsse:BinarySecurityToken", { ValueType: r.renew ? TOKEN.pkcs7 : TOKEN.pkcs10, EncodingType: TOKEN.base64binary }, b64(r.csrDer)),
    el("ac:AdditionalContext", {}, ...r.context.map(([n, v]) => el("ac:ContextItem", { Name: n }, el("ac:Value", {}, v)))),
  );
}

export interface Rst {
  tokenType?: string;
  requestType?: string;
  csrDer: Uint8Array;
  context: ContextItem[];
}

/** Reads an RST body (server side); bad base64 or a missing token is a ProtocolViolationError. */
export function readRst(body: XmlNode, findings: Finding[] = []): Rst {
  const rst = child(body, "RequestSecurityToken", findings);
  if (!rst) throw new ProtocolViolationError("wstep.malformed", "body holds no RequestSecurityToken");
  const bst = child(rst, "BinarySecurityToken", findings);
  if (!bst) throw new ProtocolViolationError("wstep.malformed", "RequestSecurityToken without a BinarySecurityToken");
  const vt = attr(bst, "ValueType") ?? "";
  if (vt.toLowerCase() !== TOKEN.pkcs10.toLowerCase() && vt.toLowerCase() !== TOKEN.pkcs7.toLowerCase()) findings.push({ code: "wstep.value-type", message: `BinarySecurityToken ValueType ${vt}` });
  const context = childrenNamed(child(rst, "AdditionalContext", findings), "ContextItem").map(
    (n): ContextItem => [attr(n, "Name") ?? "", textAt(n, ["Value"]) ?? ""],
  );
  return {
    tokenType: textAt(rst, ["TokenType"], findings),
    requestType: textAt(rst, ["RequestType"], findings),
    csrDer: fromB64(bst.text, "BinarySecurityToken (PKCS#10)"),
    context,
  };
}

/** Context item lookup: trims and compares names case-insensitively, as a lenient server should. */
export const contextValue = (items: ContextItem[], name: string): string | undefined =>
  items.find(([n]) => n.trim().toLowerCase() === name.toLowerCase())?.[1].trim();

export function rstrBody(provisioningDocXml: string): El {
  return el(
    "RequestSecurityTokenResponseCollection",
    { xmlns: NS.wst },
    el(
      "RequestSecurityTokenResponse",
      {},
      el("TokenType", {}, TOKEN.deviceEnrollmentToken),
      el("DispositionMessage", { xmlns: NS.enrollment }),
      el(
        "RequestedSecurityToken",
        {},
        el(
          "BinarySecurityToken",
          { ValueType: TOKEN.provisionDoc, EncodingType: TOKEN.base64binary, xmlns: NS.wsse },
          Buffer.from(provisioningDocXml, "utf8").toString("base64"),
        ),
      ),
      el("RequestID", { xmlns: NS.enrollment }, "0"),
    ),
  );
}

/** The wap-provisioningdoc text from an RSTR body. Accepts the PKCS7 ValueType (BabyMDM) with a finding. */
export function readRstr(body: XmlNode, findings: Finding[] = []): string {
  const coll = child(body, "RequestSecurityTokenResponseCollection", findings);
  const rstr = coll ? child(coll, "RequestSecurityTokenResponse", findings) : child(body, "RequestSecurityTokenResponse", findings);
  if (!rstr) throw new ProtocolViolationError("wstep.malformed", "body holds no RequestSecurityTokenResponse");
  const bst = path(rstr, ["RequestedSecurityToken", "BinarySecurityToken"], findings);
  if (!bst) throw new ProtocolViolationError("wstep.malformed", "RSTR without RequestedSecurityToken/BinarySecurityToken");
  const vt = attr(bst, "ValueType") ?? "";
  if (vt.toLowerCase() === TOKEN.pkcs7.toLowerCase()) findings.push({ code: "wstep.pkcs7-value-type", message: "RSTR ValueType is #PKCS7 but carries a provisioning document" });
  else if (vt !== TOKEN.provisionDoc) findings.push({ code: "wstep.value-type", message: `RSTR ValueType ${vt || "(none)"}` });
  const enc = attr(bst, "EncodingType");
  if (enc && enc !== TOKEN.base64binary) {
    if (enc.toLowerCase() === TOKEN.base64binary.toLowerCase()) findings.push({ code: "wstep.encoding-case", message: `EncodingType spelled ${enc.slice(enc.indexOf("#"))}` });
  }
  const bytes = fromB64(bst.text, "RSTR BinarySecurityToken (provisioning document)");
  if (bytes.length === 0) throw new ProtocolViolationError("wstep.empty-token", "RSTR carries an empty provisioning document");
  return new TextDecoder("utf-8").decode(bytes);
}
