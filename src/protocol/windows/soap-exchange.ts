// SPDX-License-Identifier: MIT
/**
 * One SOAP exchange of an enrollment step: POST with the Windows headers, content-type check,
 * envelope parse with findings; SOAP faults (HTTP 400/500 with a Fault body) come back as values.
 */
import { ProtocolViolationError, TransportError } from "../../errors/index.js";
import { decoded, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";
import { MIME } from "../../wire/windows/ns.js";
import { parseEnvelope, type Envelope } from "../../wire/windows/soap.js";
import type { Finding } from "../../wire/windows/xml.js";

export interface SoapCallOptions {
  userAgent?: string;
  /** Strict mode: deviations (findings) become ProtocolViolationErrors. */
  strict?: boolean;
}

export const ENROLL_UA = "ENROLLClient";

/** Records findings as transcript notes; strict mode turns the first into an error. */
export function reportFindings(ctx: ProtocolContext, stepName: string, findings: Finding[], strict = false): void {
  if (!findings.length) return;
  ctx.transcript.record({ t: ctx.clock.now(), device: ctx.device, step: stepName, kind: "note", data: { findings } });
  if (strict) throw new ProtocolViolationError(findings[0]!.code, `strict mode: ${findings[0]!.message}`);
}

export async function soapCall(ctx: ProtocolContext, stepName: string, url: string, xml: string, o: SoapCallOptions = {}): Promise<Envelope & { httpStatus: number }> {
  const res = await exchange(
    ctx,
    stepName,
    {
      method: "POST",
      url,
      headers: { "content-type": MIME.soap, "user-agent": o.userAgent ?? ENROLL_UA, "accept-encoding": "identity" },
      body: new TextEncoder().encode(xml),
    },
    { acceptStatus: [400, 401, 403, 500, 503] },
  );
  const type = mediaType(res);
  const isError = res.status >= 300;
  if (res.body.length === 0) {
    if (isError) throw new TransportError("http-status", `POST ${url} answered HTTP ${res.status}`, { status: res.status });
    throw new ProtocolViolationError("soap.empty", "HTTP 200 with an empty body (MENROLL_E_EMPTY_MESSAGE 0x80180029)");
  }
  if (type !== "application/soap+xml" && type !== "text/xml" && type !== "application/xml") {
    if (isError) throw new TransportError("http-status", `POST ${url} answered HTTP ${res.status} (${type || "no content type"})`, { status: res.status });
    throw new ProtocolViolationError("soap.content-type", `expected application/soap+xml, got "${type || "(none)"}"`);
  }
  const env = parseEnvelope(res.body, `${stepName} response`);
  if (type !== "application/soap+xml") env.findings.push({ code: "soap.content-type", message: `SOAP 1.2 answered as ${type}` });
  if (isError && !env.fault) throw new TransportError("http-status", `POST ${url} answered HTTP ${res.status} without a SOAP fault`, { status: res.status });
  if (env.fault) decoded(ctx, stepName, { fault: env.fault.name, hresult: env.fault.hresultHex, subcode: env.fault.subcode, errorType: env.fault.errorType, reason: env.fault.reason });
  reportFindings(ctx, stepName, env.findings, o.strict);
  return Object.assign(env, { httpStatus: res.status });
}
