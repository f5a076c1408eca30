// SPDX-License-Identifier: MIT
/**
 * The command queue: commands queued per device, the command channel (PUT /apple/mdm) that hands
 * them out one at a time and records results (NotNow defers to the next session), and pushes to the
 * devices' tokens so they come and fetch.
 */
import { randomUUID } from "node:crypto";
import type { HttpResponse } from "../../ports/http.js";
import { buildCommand, parseCommandResult } from "../../wire/apple/mdm.js";
import { buildPlistBytes, type PlistDict } from "../../wire/apple/plist.js";
import { empty, jsonToPlist, MAX_RESULTS_PER_DEVICE, text, type AppleCore, type DeviceRecord } from "./core.js";
import { deviceIdentity, identityFingerprint, type TlsRequest } from "./identity.js";
import type { AccountEnrollment } from "./account-driven.js";
import { sendMdmPush, type MockApns } from "./apns.js";

/** Commands a licence-restricted device still gets: EraseDevice (Factory Reset) and RemoveProfile (Unenroll Device). */
const RESTRICTED_COMMANDS: ReadonlySet<string> = new Set(["EraseDevice", "RemoveProfile"]);

export class CommandQueue {
  private configured?: { commands: readonly unknown[]; length: number; keys: readonly string[]; version: number };

  constructor(
    private readonly core: AppleCore,
    private readonly account: AccountEnrollment,
    /** The mock APNs beside the half, once running. */
    private readonly apns: () => MockApns | undefined,
  ) {}

  enqueue(d: DeviceRecord, requestType: string, payload: PlistDict = {}): string {
    const uuid = randomUUID().toUpperCase();
    d.queue.push({ uuid, requestType, body: buildPlistBytes(buildCommand(uuid, requestType, payload)) });
    return uuid;
  }

  handle(req: TlsRequest): HttpResponse {
    if (req.method !== "PUT") return this.core.reject("mdm.method", text(405, `the command channel must use PUT, not ${req.method}`, { allow: "PUT" }));
    const cert = deviceIdentity(this.core, req);
    if (!("der" in cert)) return cert;
    let r;
    try {
      r = parseCommandResult(req.body ?? new Uint8Array(0), { maxBytes: 4 * 1024 * 1024 });
    } catch (e) {
      return this.core.reject("mdm.malformed", text(400, (e as Error).message));
    }
    const udid = r.udid ?? r.enrollmentId!;
    const d = this.core.devices.get(udid);
    if (!d || d.certFingerprint !== identityFingerprint(this.core, cert)) {
      const status = this.core.config.unknownDeviceStatus ?? 401;
      return this.core.reject("mdm.unknown-device", text(status, status === 500 ? `enrollment not associated with cert (${udid})` : `unknown device ${udid}`));
    }
    const noBearer = this.account.checkBearer(req, d);
    if (noBearer) return noBearer;
    // The device's licences (policy/licences.ts): a restricted one keeps what it has; nothing new is queued or handed out.
    const restricted = this.core.policy.serviceStanding(d.udid).state === "restricted";
    if (r.status === "Idle") {
      // NotNow'd commands come back on the next session (MicroMDM style), not the same one.
      d.queue.unshift(...d.deferred.splice(0));
      if (!restricted) {
        // Apps sent earlier and not settled yet: ask how they are doing (app-installs.ts).
        this.core.services.onIdle(d);
        this.assignNew(d);
      }
    } else {
      const inflight = d.inflight;
      if (!inflight || inflight.uuid !== r.commandUUID) return this.core.reject("mdm.unexpected-result", text(400, `result for ${r.commandUUID}, which is not the command in flight`));
      d.inflight = undefined;
      this.core.stats.results[r.status] = (this.core.stats.results[r.status] ?? 0) + 1;
      d.results.push({ commandUUID: inflight.uuid, requestType: inflight.requestType, status: r.status, ...(r.dict.ErrorChain ? { errorChain: r.dict.ErrorChain } : {}) });
      if (d.results.length > MAX_RESULTS_PER_DEVICE) {
        d.results.shift();
        d.resultsDropped = (d.resultsDropped ?? 0) + 1;
      }
      if (r.status === "NotNow") d.deferred.push(inflight);
      this.core.services.afterResult(d, inflight.uuid, r.status, r.dict);
    }
    // Restricted (Knox Manage "Renew an expired license": only Unenroll Device and Factory Reset among the device commands): the rest waits.
    const at = restricted ? d.queue.findIndex((c) => RESTRICTED_COMMANDS.has(c.requestType)) : 0;
    const next = at < 0 ? undefined : d.queue.splice(at, 1)[0];
    if (!next) return empty();
    d.inflight = next;
    this.core.stats.commandsSent++;
    return { status: 200, headers: { "content-type": "application/xml" }, body: next.body, url: "" };
  }


  /**
   * Commands the admin configured after this enrollment (a timeline `set` of `embedded.apple.commands`: a profile or
   * app assigned to the enrolled devices) are queued at its next poll, once each, where they apply to its product.
   */
  private assignNew(d: DeviceRecord): void {
    const { keys, version } = this.configuredCommands();
    // Nothing configured since this enrollment last caught up: an Idle poll costs nothing here (it re-serialised every
    // configured command on every poll of every device before).
    if (d.assignedVersion === version) return;
    const given = new Set(d.assigned ?? []);
    this.core.config.commands.forEach((c, i) => {
      const key = keys[i]!;
      if (given.has(key)) return;
      given.add(key);
      if (this.core.field.commandApplies(c, d.product ? { ProductName: d.product } : {})) this.enqueue(d, c.requestType, c.payload ? (jsonToPlist(c.payload) as PlistDict) : {});
    });
    d.assigned = [...given].slice(-1000);
    d.assignedVersion = version;
  }

  /**
   * The configured commands (`embedded.apple.commands`) as the keys a record's `assigned` holds (their JSON), serialised
   * once per version of the configuration. A version is one array: a timeline `set` replaces the configuration
   * (admin.ts reconfigure → replaceConfig, setIn copies the path it changes), so a new array is a new version; a
   * length change of the same array (a push by a test) is one too. Editing a command object in place is not seen.
   */
  configuredCommands(): { keys: readonly string[]; version: number } {
    const commands = this.core.config.commands;
    const c = this.configured;
    if (c && c.commands === commands && c.length === commands.length) return c;
    this.configured = { commands, length: commands.length, keys: commands.map((x) => JSON.stringify(x)), version: (c?.version ?? 0) + 1 };
    return this.configured;
  }

  /** Pushes (HTTP/2, as a provider) to each device's token at the configured APNs (default: the mock beside the half). */
  async pushTo(targets: DeviceRecord[], o: { collapseId?: string; expiration?: number }): Promise<{ udid: string; status: number; reason?: string; apnsId?: string }[]> {
    const base = this.core.config.apnsUrl ?? this.apns()?.url;
    const out = [];
    for (const d of targets) {
      if (!base || !d.pushToken || !d.pushMagic) {
        out.push({ udid: d.udid, status: 0, reason: base ? "NoTokenUpdate" : "NoApns" });
        continue;
      }
      try {
        const r = await sendMdmPush(base, { token: d.pushToken, pushMagic: d.pushMagic, ...this.core.services.pushIdentity(d, this.core.config.topic), ...o });
        this.core.stats.pushes = (this.core.stats.pushes ?? 0) + 1;
        out.push({ udid: d.udid, ...r });
      } catch (e) {
        out.push({ udid: d.udid, status: 0, reason: (e as Error).message.slice(0, 120) });
      }
    }
    return out;
  }
}
