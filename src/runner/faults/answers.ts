// SPDX-License-Identifier: MIT
/**
 * Protocol-level answers a fault can give in place of the server: a SOAP 1.2 fault as MS-MDE2
 * servers send it (§2.2.10), a Google API JSON error (AMAPI), and a bare HTTP status. Each is what
 * a real server puts on the wire, so the device parses it with its ordinary code.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { buildFault } from "../../wire/windows/soap.js";
import type { FaultSpec, StatusAction } from "./vocabulary.js";

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

/** Lower-cased header names, as every HttpPort adapter returns them. */
function lower(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

export function statusAnswer(a: StatusAction, req: HttpRequest): HttpResponse {
  const body = utf8(a.body ?? "");
  return { status: a.code, headers: { "content-length": String(body.length), ...lower(a.headers) }, body, url: req.url };
}

/** Subcodes MS-MDE2 §2.2.10 puts in the WS-Addressing namespace (`a:`); the rest are `s:`. */
const WSA_SUBCODES = new Set(["InternalServiceFault", "InvalidSecurity"]);

/**
 * A MS-MDE2 fault envelope, RelatesTo the request's MessageID. SOAP 1.2's HTTP binding answers a
 * Sender fault with 400 and a Receiver fault with 500 (SOAP 1.2 part 2 §7.5.1.2).
 */
export function soapFaultAnswer(f: NonNullable<FaultSpec["soapFault"]>, req: HttpRequest): HttpResponse {
  const code = f.code ?? "Receiver";
  const raw = f.subcode ?? (code === "Sender" ? "MessageFormat" : "EnrollmentServer");
  const subcode = raw.includes(":") ? raw : `${WSA_SUBCODES.has(raw) ? "a" : "s"}:${raw}`;
  const text = req.body ? Buffer.from(req.body).toString("utf8") : "";
  const relatesTo = /MessageID[^>]*>\s*(?:urn:uuid:)?([^<\s]+)\s*</i.exec(text)?.[1];
  const xml = buildFault({ code, subcode, reason: f.reason, ...(f.type ? { errorType: f.type } : {}), ...(f.message ? { message: f.message } : {}), ...(relatesTo ? { relatesTo } : {}) });
  const body = utf8(xml);
  return { status: code === "Sender" ? 400 : 500, headers: { "content-type": "application/soap+xml; charset=utf-8", "content-length": String(body.length) }, body, url: req.url };
}

/** google.rpc.Code names for the HTTP statuses Google APIs map them to (cloud.google.com/apis/design/errors). */
const RPC_STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  412: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The JSON error body every Google API answers with: `{"error": {code, message, status}}`. */
export function amapiErrorAnswer(e: NonNullable<FaultSpec["amapiError"]>, req: HttpRequest): HttpResponse {
  const status = e.status ?? RPC_STATUS[e.code] ?? "UNKNOWN";
  const body = utf8(JSON.stringify({ error: { code: e.code, message: e.message, status } }, null, 2));
  return { status: e.code, headers: { "content-type": "application/json; charset=UTF-8", "content-length": String(body.length) }, body, url: req.url };
}

/** An Apple MDM check-in or command endpoint answering with a bare HTTP status (no body). */
export function mdmStatusAnswer(code: number, req: HttpRequest): HttpResponse {
  return { status: code, headers: { "content-length": "0" }, body: new Uint8Array(0), url: req.url };
}
