// SPDX-License-Identifier: MIT
/**
 * The Apple half's REST API for tests and operators: POST /apple/api/commands (enqueue, optionally
 * push), POST /apple/api/push, GET /apple/api/devices[/UDID], GET /apple/api/stats, GET /apple/api/invitations.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import type { DdmStatusReport } from "../../wire/apple/ddm.js";
import { isDict, type PlistDict } from "../../wire/apple/plist.js";
import { json, jsonToPlist, text, type AppleCore, type DeviceRecord } from "./core.js";
import type { CommandQueue } from "./command-queue.js";
import type { MockApns } from "./apns.js";

export class AppleRestApi {
  constructor(
    private readonly core: AppleCore,
    private readonly queue: CommandQueue,
    private readonly ddmReports: () => { udid: string; report: DdmStatusReport }[],
    private readonly apns: () => MockApns | undefined,
  ) {}

  async route(req: HttpRequest, path: string): Promise<HttpResponse> {
    if (path === "/apple/api/commands" && req.method === "POST") {
      let body: { udid?: string; requestType?: string; payload?: Record<string, unknown> };
      try {
        body = JSON.parse(Buffer.from(req.body ?? new Uint8Array(0)).toString("utf8"));
      } catch {
        return text(400, "body is not JSON");
      }
      if (typeof body.requestType !== "string") return text(400, "requestType is required");
      const targets = body.udid === "*" || body.udid === undefined ? [...this.core.devices.values()] : [this.core.devices.get(body.udid)].filter((x): x is DeviceRecord => !!x);
      if (!targets.length) return text(404, `unknown device ${body.udid}`);
      let payload: PlistDict = {};
      try {
        if (body.payload !== undefined) {
          const v = jsonToPlist(body.payload);
          if (!isDict(v)) return text(400, "payload must be a JSON object");
          payload = v;
        }
      } catch (e) {
        return text(400, `payload: ${(e as Error).message}`);
      }
      const queued = targets.map((d) => ({ udid: d.udid, commandUUID: this.queue.enqueue(d, body.requestType!, payload) }));
      if ((body as { push?: unknown }).push === true) return json(200, { queued, pushes: await this.queue.pushTo(targets, {}) });
      return json(200, { queued });
    }
    if (path === "/apple/api/push" && req.method === "POST") {
      let body: { udid?: string; collapseId?: string; expiration?: number };
      try {
        body = JSON.parse(Buffer.from(req.body ?? new Uint8Array(0)).toString("utf8"));
      } catch {
        return text(400, "body is not JSON");
      }
      const targets = body.udid === "*" || body.udid === undefined ? [...this.core.devices.values()] : [this.core.devices.get(body.udid)].filter((x): x is DeviceRecord => !!x);
      if (!targets.length) return text(404, `unknown device ${body.udid}`);
      if (body.collapseId !== undefined && typeof body.collapseId !== "string") return text(400, "collapseId must be a string");
      if (body.expiration !== undefined && !Number.isInteger(body.expiration)) return text(400, "expiration must be an integer (epoch seconds)");
      return json(200, { pushes: await this.queue.pushTo(targets, { collapseId: body.collapseId, expiration: body.expiration }) });
    }
    if (req.method === "GET" && path === "/apple/api/devices") {
      return json(200, [...this.core.devices.values()].map((d) => ({ udid: d.udid, serialNumber: d.serialNumber, ownership: d.ownership, ...(d.portalUser ? { user: d.portalUser } : {}), queued: d.queue.length, results: d.results.length, checkedOut: d.checkedOut })));
    }
    if (req.method === "GET" && path === "/apple/api/invitations") return json(200, this.core.portal.invitations());
    const m = /^\/apple\/api\/devices\/([^/]+)$/.exec(path);
    if (req.method === "GET" && m) {
      const d = this.core.devices.get(decodeURIComponent(m[1]!));
      if (!d) return text(404, "unknown device");
      return json(200, {
        udid: d.udid,
        awaitingConfiguration: d.awaitingConfiguration,
        checkedOut: d.checkedOut,
        identityCertificate: Buffer.from(d.identity).toString("base64"),
        queued: d.queue.map((q) => q.requestType),
        results: d.results,
        ...(d.resultsDropped ? { resultsDropped: d.resultsDropped } : {}),
        ...(d.ddmStatus ? { ddm: { reports: d.ddmReports ?? 0, status: d.ddmStatus } } : {}),
      });
    }
    if (req.method === "GET" && path === "/apple/api/stats") {
      const apns = this.apns();
      return json(200, { ...this.core.stats, ddmStatusReports: this.ddmReports().length, ...(apns ? { apns: apns.stats() } : {}), services: this.core.services.stats() });
    }
    return text(404, `no route for ${req.method} ${path}`);
  }
}
