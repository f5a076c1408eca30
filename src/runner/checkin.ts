// SPDX-License-Identifier: MIT
/**
 * Steady-state check-ins. A flow may carry an optional `checkin` hook (platforms implement it:
 * Apple MDM check-in + command poll, Windows OMA-DM session, Android policy sync); until then,
 * the built-in stand-in for the platform-neutral "scep" flow asks the CA for its capabilities
 * (GetCACaps), which is the request a SCEP client makes before every renewal. It does NOT renew
 * (that would issue one certificate per check-in) and claims nothing more than that.
 */
import { ScenarioError } from "../errors/index.js";
import type { AppliedSettings, FlowResult, KeyStore } from "../device/flow.js";
import type { Shown } from "../device/shown.js";
import { ownString } from "../ports/own-string.js";
import { toPem } from "../wire/x509/certificate.js";
import type { Flow, FlowContext } from "../device/flow.js";
import { ScepClient } from "../protocol/scep/client.js";

/** What an enrolled device holds, handed to its check-in. */
export interface EnrolledState {
  /** Issued certificates as PEM, by keychain label, with where the device keeps each one's key (when the flow says). */
  certificates: { label: string; pem: string; keyStore?: KeyStore }[];
  /** Ids the server gave the device (enrollment id, certificate serial, …). */
  serverIds: Record<string, string>;
  /** Settings the device keeps from its server between check-ins (a check-in replaces them; a wipe clears them). */
  appliedSettings?: AppliedSettings;
}

/** Outcome of one check-in: a value, like a flow result (exceptions are failures). */
export interface CheckinOutcome {
  ok: boolean;
  code: string;
  step?: string;
  message?: string;
  /** The device erased itself on the server's command (a remote wipe): it holds no enrollment from now on. */
  erased?: boolean;
  /**
   * The server ended the enrollment (Apple: a 401 the device reads as unenrollment, and it removes its
   * MDM profile): it holds no enrollment from now on, until a timeline `restore` brings a backup back.
   */
  unenrolled?: boolean;
  /** What the device shows or records for a failed check-in (its agent's text), matched by `expect.shown`. */
  shown?: Shown;
}

/** The hook a flow can implement: one check-in of an enrolled device. */
export type FlowCheckin = (ctx: FlowContext, options: never, state: EnrolledState) => Promise<CheckinOutcome>;

/** A flow that may carry the optional hook (proposed additive field of device/flow.ts `Flow`). */
export type CheckinCapable = Flow<never> & { checkin?: FlowCheckin };

/** Built-in stand-ins, by flow name, for flows that have no hook yet. */
export const BUILTIN_CHECKINS: Record<string, FlowCheckin> = {
  async scep(ctx, options) {
    const url = (options as { url?: string } | undefined)?.url ?? ctx.targets.scepUrl;
    if (!url) throw new ScenarioError("a scep check-in needs a SCEP URL (options.scep.url, or the embedded server)");
    const caps = await new ScepClient(ctx.protocol, { url }).getCaCaps();
    return { ok: true, code: "checkin.scep.getcacaps", message: `${caps.keywords.length} capabilities` };
  },
};

/** The check-in of a flow: its own hook, else the built-in stand-in, else undefined. */
export function checkinFor(flow: Flow<never> | undefined, name: string): FlowCheckin | undefined {
  return (flow as CheckinCapable | undefined)?.checkin ?? BUILTIN_CHECKINS[name];
}

/**
 * One string per distinct root label and PEM for the whole run: every device of a group keeps the same few roots, so
 * each device's state refers to one copy instead of holding its own (a bounded table: roots are few; past the bound a
 * device keeps its own copy, as identities do).
 */
const sharedStrings = new Map<string, string>();
function shared(s: string): string {
  const got = sharedStrings.get(s);
  if (got !== undefined) return got;
  const own = ownString(s);
  if (sharedStrings.size < 256) sharedStrings.set(own, own);
  return own;
}

/** What a steady check-in needs of an enrolment's result (its identities as PEM, the server's ids). */
export function enrolledState(result: FlowResult): EnrolledState {
  // Kept for the device's life: strings that do not keep the documents they were read from alive (ports/own-string.ts).
  const certificates: EnrolledState["certificates"] = result.keychain.identities.map((i) => ({ label: ownString(i.label), pem: toPem(i.certificate.der), ...(i.keyStore ? { keyStore: i.keyStore } : {}) }));
  // Installed roots (no key) are kept too: a later session's fresh TLS handshake needs them (device/apple/profile-trust.ts).
  for (const r of result.keychain.roots ?? []) certificates.push({ label: shared(r.label), pem: shared(toPem(r.certificate.der)) });
  const serverIds: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.serverIds ?? {})) serverIds[k] = ownString(v);
  for (const i of result.keychain.identities) serverIds[`${i.label}.serial`] = i.certificate.serialHex;
  return { certificates, serverIds, ...(result.appliedSettings ? { appliedSettings: result.appliedSettings } : {}) };
}
