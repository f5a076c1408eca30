// SPDX-License-Identifier: MIT
/**
 * Apple Configurator enrollment (flow `ios-configurator`) and the profile download that reads a
 * server's refusal.
 *
 * ios-configurator: Apple Configurator on a Mac pairs with the iPhone/iPad over USB (the device's
 * host-pairing restriction applies, setup-assistant.ts), prepares it as supervised and installs
 * the server's enrollment profile; the device enrolls as in the profile flow. With an enrollment
 * profile that has user affinity, the user must then be affiliated with the device (signing in
 * to the company's portal app): the device registers its user with the server (embedded server: `POST /apple/configurator/affinity`,
 * over mTLS with the enrolled identity) at step `configurator.affinity`; a user who affiliates late
 * is the timeline's `idle` there (time passes on the scenario clock). A server that waited longer than its affinity window
 * (24 h by default) has dropped the enrollment: `apple.configurator.affinity-expired` — only a
 * factory reset starts over (field failure ios-configurator-affinity-24h).
 */
import { ProtocolViolationError, ScenarioError } from "../../errors/index.js";
import { decoded, step } from "../../protocol/common/context.js";
import { exchange, mediaType } from "../../protocol/common/exchange.js";
import { PROFILE_CONTENT_TYPE } from "../../wire/apple/mdm.js";
import { toPem } from "../../wire/x509/certificate.js";
import type { Flow, FlowContext, FlowResult } from "../flow.js";
import { appleCheckin } from "./checkin.js";
import { MDM_LABEL_MARK, enrollWithProfile, fail, userAgent } from "./enroll.js";
import { appleOptions } from "./options.js";
import { pairWithConnectedHosts, pairWithHost } from "./host-pairing.js";
import { AppleDevice } from "./state.js";
import { tlsAnchors } from "./profile-trust.js";

function jsonBody(body: Uint8Array, type: string): Record<string, unknown> | undefined {
  if (!type.includes("json")) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(body.subarray(0, 65536)).toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const codeOf = (b: Record<string, unknown> | undefined): string => (typeof b?.code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(b.code) ? b.code : "");
const messageOf = (b: Record<string, unknown> | undefined): string => (typeof b?.message === "string" ? b.message.slice(0, 300) : "");

/**
 * GETs an enrollment profile (application/x-apple-aspen-config). A 403 is the server refusing to
 * produce it (e.g. `UserAffinityNotSupported` for direct enrollment with user affinity): a value,
 * `apple.profile.refused[.<code>]`, with what the device shows.
 */
export async function fetchProfileOrRefusal(ctx: FlowContext, dev: AppleDevice, url: string, ua = userAgent(dev), browser?: { name: string; cookie?: string }): Promise<Uint8Array | FlowResult> {
  return step(ctx.protocol, "profile.download", async () => {
    const headers = { "user-agent": ua, accept: PROFILE_CONTENT_TYPE, ...(browser?.cookie ? { cookie: browser.cookie } : {}) };
    const res = await exchange(ctx.protocol, "profile.download", { method: "GET", url, headers }, { acceptStatus: [403] });
    if (res.status === 403) {
      const b = jsonBody(res.body, mediaType(res));
      const code = codeOf(b);
      decoded(ctx.protocol, "profile.download", { refused: true, code: code || null, message: messageOf(b) || null });
      // In a browser the user sees the server's refusal page (its own words); a script's download shows nothing.
      const page = messageOf(b);
      return fail(
        dev,
        `apple.profile.refused${code ? `.${code}` : ""}`,
        "profile.download",
        `The enrollment profile could not be downloaded (HTTP 403${code ? ` ${code}` : ""}): ${page || "refused by the server"}`,
        browser ? { text: page || "HTTP 403", screen: browser.name } : undefined,
      );
    }
    const type = mediaType(res);
    if (type !== PROFILE_CONTENT_TYPE) {
      throw new ProtocolViolationError("apple.profile.content-type", `the profile URL answered Content-Type "${type || "(none)"}", expected ${PROFILE_CONTENT_TYPE}`);
    }
    return res.body;
  });
}

/** The user is affiliated with the enrolled device (embedded server only). */
async function affiliate(ctx: FlowContext, dev: AppleDevice, base: string, enrolled: FlowResult, user: string): Promise<FlowResult> {
  const id = enrolled.keychain.identities.find((i) => i.label.includes(MDM_LABEL_MARK));
  if (!id) return enrolled;
  const http = ctx.ports.http.client({
    tls: { ...(ctx.tls ?? {}), ca: [...(ctx.tls?.ca ?? []), ...tlsAnchors(dev).map((c) => toPem(c.der))], identity: { certPem: toPem(id.certificate.der), keyPem: ctx.ports.crypto.privateKeyPem(id.key) } },
    keepAlive: false,
  });
  try {
    const res = await step(ctx.protocol, "configurator.affinity", () =>
      exchange(
        { ...ctx.protocol, http },
        "configurator.affinity",
        { method: "POST", url: `${base}/apple/configurator/affinity`, headers: { "content-type": "application/json", "user-agent": userAgent(dev) }, body: new Uint8Array(Buffer.from(JSON.stringify({ udid: dev.udid, user }))) },
        { acceptStatus: [401, 403] },
      ),
    );
    const b = jsonBody(res.body, mediaType(res));
    decoded(ctx.protocol, "configurator.affinity", { status: res.status, code: codeOf(b) || null, affinity: typeof b?.affinity === "string" ? b.affinity : null });
    if (res.status === 200) return enrolled;
    const code = codeOf(b);
    if (code === "AffinityWindowExpired") return { ...fail(dev, "apple.configurator.affinity-expired", "configurator.affinity", `Enrollment failed: ${messageOf(b)}`), keychain: { identities: [] } };
    return { ...fail(dev, `apple.configurator.affinity-refused${code ? `.${code}` : ""}`, "configurator.affinity", `the server refused the user affinity (HTTP ${res.status}): ${messageOf(b)}`), keychain: { identities: [] } };
  } finally {
    await http.close().catch(() => {});
  }
}

export const configuratorFlow: Flow<never> = {
  name: "ios-configurator",
  description: "Apple Configurator enrollment: USB pairing, prepared as supervised, the server's enrollment profile installed, then the user's affiliation (user affinity)",
  platforms: ["ios", "ipados"],
  checkin: appleCheckin,
  async run(ctx, raw): Promise<FlowResult> {
    if (ctx.identity.platform !== "ios" && ctx.identity.platform !== "ipados") throw new ScenarioError(`flow ios-configurator runs on ios/ipados, but model ${ctx.identity.model} is ${ctx.identity.platform}`);
    const o = appleOptions(raw);
    const base = ctx.targets.server?.https ?? ctx.targets.server?.http;
    if (!base && !o.profileUrl) throw new ScenarioError("ios-configurator: no server URL (use the embedded server, or set options.apple.profileUrl)");
    const dev = new AppleDevice(ctx, o.commands, { supervised: true });
    // Prepared by this Mac's Apple Configurator: it is the device's supervision host.
    const refused = pairWithHost(dev, { host: "configurator", supervisionIdentity: true }, true);
    if (refused) return refused;
    decoded(ctx.protocol, "configurator.prepare", { supervised: true, profile: "the server's enrollment profile" });
    // The embedded server's Configurator enrollment URL (the profile Apple Configurator is given, with or without user affinity).
    const bytes = await fetchProfileOrRefusal(ctx, dev, o.profileUrl ?? `${base}/apple/configurator/enroll`);
    if (!(bytes instanceof Uint8Array)) return bytes;
    const enrolled = await enrollWithProfile(dev, o, bytes, { ade: false, awaitConfiguration: false, channel: "configurator" });
    if (!enrolled.ok || dev.erased || dev.unenrolled) return enrolled;
    if (!ctx.targets.server?.embedded || !base) {
      decoded(ctx.protocol, "configurator.affinity", { skipped: "the user-affinity registration is modelled for the embedded server only" });
      return pairWithConnectedHosts(dev, enrolled, true);
    }
    // Then the computers the user connects it to (timeline connectHost): the preparing Configurator's organization is its supervision host.
    return pairWithConnectedHosts(dev, await affiliate(ctx, dev, base, enrolled, o.configurator?.user ?? `user${ctx.identity.index}@enrollsim.test`), true);
  },
};
