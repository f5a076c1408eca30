// SPDX-License-Identifier: MIT
/**
 * The trigger's payload (QR code, NFC bump, zero-touch or KME configuration, token, Play install): it reaches the
 * device out of band (the admin's console shows it), not over the device's own TLS to the EMM server, so the
 * simulator's fetch of it is outside the device's trust rules (the chain is still verified to a trusted anchor).
 * `simulatorOnly` when no real device fetches it (a QR code is read by the camera, an NFC bump comes from the
 * programmer device), so faults and the device's network never reach that fetch; zero-touch and KME payloads are real
 * requests of the device.
 */
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";
import { exchange } from "../../protocol/common/exchange.js";
import type { FlowContext } from "../flow.js";
import { OUT_OF_BAND } from "../trust.js";
import { PortalRefused } from "./portal-answer.js";

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

/**
 * A portal's challenge and the device's answer to it: given a refused answer's status and body, the headers to ask
 * again with (once) and what the trace records of it, or undefined when it is no challenge.
 */
export type PortalChallenge = (status: number, body: string) => { headers: Record<string, string>; decoded: Record<string, unknown> } | undefined;

/**
 * `refusals`: statuses the device reads as the portal's answer (PortalRefused, the step failed), not as a transport error.
 * `challenge`: a refused answer that is a challenge (KME's 401 with a nonce) is answered once, inside the same step.
 */
export async function fetchProvisioning(fc: FlowContext, stepName: string, url: string, simulatorOnly?: string, refusals?: (status: number) => boolean, challenge?: PortalChallenge): Promise<string> {
  // The admin's console (simulatorOnly) is served the embedded server's full chain: an intermediate the server
  // leaves out for devices (embedded.tls `intermediate.send: false`) is not the console's problem.
  const full = simulatorOnly ? (fc.targets.server?.intermediates ?? []) : [];
  const tls = { ...(fc.tls ?? {}), ...(full.length ? { ca: [...(fc.tls?.ca ?? []), ...full] } : {}), serverTrust: OUT_OF_BAND };
  const http = fc.ports.http.client({ tls, keepAlive: fc.keepAlive ?? true, ...(simulatorOnly ? { simulatorOnly } : {}) });
  const ctx: ProtocolContext = { ...fc.protocol, http };
  try {
    const got = await step(
      ctx,
      stepName,
      async () => {
        const get = async (headers: Record<string, string>) => {
          const res = await exchange(ctx, stepName, { method: "GET", url, headers: { accept: "application/json, text/plain", ...headers } }, refusals ? { acceptStatus: refusals } : {});
          return { status: res.status, t: text(res.body), bytes: res.body.length };
        };
        let r = await get({});
        const answer = r.status >= 300 ? challenge?.(r.status, r.t) : undefined;
        if (answer) {
          decoded(ctx, stepName, { url, status: r.status, challenge: answer.decoded });
          r = await get(answer.headers);
        }
        decoded(ctx, stepName, { url, bytes: r.bytes, ...(r.status >= 300 ? { status: r.status } : {}), ...(simulatorOnly ? { simulatorOnly } : {}) });
        return r;
      },
      (a) => a.status >= 300,
    );
    if (got.status >= 300) throw new PortalRefused(got.status, got.t);
    return got.t;
  } finally {
    await http.close();
  }
}
