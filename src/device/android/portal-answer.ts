// SPDX-License-Identifier: MIT
/**
 * How the setup wizard ends when a vendor enrollment portal (Google zero-touch, Samsung Knox Mobile Enrollment)
 * gives the device no configuration: it does not stop, it goes on as the ordinary consumer setup (Welcome screen),
 * unmanaged. Two causes: the portal holds nothing for the device (not registered), or KME refuses the device's
 * profile request (any other 4xx).
 */
import { TransportError } from "../../errors/index.js";
import type { FlowResult } from "../flow.js";

const NO_KEYS = { identities: [] };
const WELCOME = { text: "Welcome", screen: "setup wizard › Welcome (the ordinary consumer setup)" } as const;

/**
 * The HTTP statuses with which KME refuses the device's profile request (GET_PROFILE) that make the device fall
 * through to the ordinary setup: every 4xx but 404 (404 is "not registered", `notRegistered`). Samsung KBA
 * 360039680333 (docs.samsungknox.com/admin/knox-mobile-enrollment/kbas/kba-360039680333): GET_PROFILE answered 401
 * then 400 `{"error" : "invalid nonce/blob"}`, "KME does not launch" and the device goes through the normal setup
 * wizard. 5xx and transport failures are not refusals and stay transport errors (no source says what the device does).
 */
export const isKmeRefusal = (status: number): boolean => status >= 400 && status <= 499 && status !== 404;

/** A portal answered the device's configuration request with a refusal the caller accepted (`isKmeRefusal`). */
export class PortalRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * Zero-touch and Knox Mobile Enrollment answer a device they do not hold (never registered, unclaimed, its IMEI
 * removed from the portal) with no configuration: the setup wizard goes on as an ordinary consumer setup, unmanaged
 * (bayton.org Android Enterprise FAQ: a device unclaimed from the zero-touch portal "sets up as a consumer device
 * with no management" after a factory reset; Samsung KME: remove the IMEI from the portal before a reset, or the
 * device enrolls again). The stand-ins answer 404 (what the real services answer is not published).
 */
export function notRegistered(e: unknown, kind: string): FlowResult | undefined {
  if (!(e instanceof TransportError) || e.kind !== "http-status" || e.status !== 404 || (kind !== "zero-touch" && kind !== "kme")) return undefined;
  const service = kind === "kme" ? "Knox Mobile Enrollment" : "the zero-touch service";
  // The device shows its consumer Welcome screen; why (the service holds nothing for it) is enrollsim's diagnosis.
  const why = `ordinary consumer setup: ${service} holds no configuration for this device; it sets up unmanaged`;
  return { ok: false, code: "android.provision.not-registered", step: `android.trigger.${kind}`, message: `Welcome (${why}) — ${e.message}`, shown: { ...WELCOME }, keychain: NO_KEYS };
}

/**
 * KME refused the device's profile request (Samsung KBA 360039680333, see `isKmeRefusal`): KME does not launch,
 * the device shows the consumer setup's Welcome screen and sets up unmanaged. The server's words are not on the
 * device's screen: they are reported as what the server said (Shown.serverSaid) and in the message.
 */
export function kmeRefused(e: unknown): FlowResult | undefined {
  if (!(e instanceof PortalRefused)) return undefined;
  const said = e.body
    .replace(/[^\x20-\x7e]+/g, " ")
    .trim()
    .slice(0, 200);
  const why = `ordinary consumer setup: Knox Mobile Enrollment refused the device's profile request (HTTP ${e.status}); KME does not launch and the device sets up unmanaged`;
  return {
    ok: false,
    code: "android.provision.kme-refused",
    step: "android.trigger.kme",
    message: `Welcome (${why})${said ? ` — the server said: ${said}` : ""}`,
    shown: { ...WELCOME, ...(said ? { serverSaid: said } : {}) },
    keychain: NO_KEYS,
  };
}
