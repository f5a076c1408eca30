// SPDX-License-Identifier: MIT
/**
 * Declarative device management on the server: the declaration set (scenario declarations or the
 * default passcode + status-subscription activation, plus asset declarations) with ServerTokens and
 * a DeclarationsToken, and the DeclarativeManagement check-in endpoints (tokens, declaration-items,
 * declaration/<kind>/<id>, status).
 */
import type { HttpResponse } from "../../ports/http.js";
import { ScenarioError } from "../../errors/index.js";
import { DDM_ITEM_KEYS, DDM_KINDS, parseStatusReport, type DdmKind, type DdmStatusReport } from "../../wire/apple/ddm.js";
import type { PlistDict } from "../../wire/apple/plist.js";
import { hex } from "../../wire/x509/certificate.js";
import { json, text, type AppleCore, type DeviceRecord } from "./core.js";
import type { DdmAssets } from "./ddm-assets.js";

export class DdmService {
  /** DDM status reports received (udid, parsed report). */
  readonly reports: { udid: string; report: DdmStatusReport }[] = [];
  private ddmCache?: { decls: { kind: DdmKind; json: Record<string, unknown> }[]; token: string };

  constructor(
    private readonly core: AppleCore,
    private readonly assets: DdmAssets,
  ) {}

  /** The declaration set with ServerTokens (content hashes) and the DeclarationsToken. */
  private ddmSet(): { decls: { kind: DdmKind; json: Record<string, unknown> }[]; token: string } {
    if (this.ddmCache) return this.ddmCache;
    const c = this.core.config.ddm ?? {};
    const decls = c.declarations ?? [
      { Type: "com.apple.configuration.passcode.settings", Identifier: "com.enrollsim.ref.passcode", Payload: { MinimumLength: c.passcodeMinimumLength ?? 6, RequireAlphanumericPasscode: false } },
      {
        Type: "com.apple.configuration.management.status-subscriptions",
        Identifier: "com.enrollsim.ref.status",
        Payload: { StatusItems: ["device.identifier.udid", "device.model.family", "device.operating-system.version", "passcode.is-present", "passcode.is-compliant"].map((Name) => ({ Name })) },
      },
      { Type: "com.apple.activation.simple", Identifier: "com.enrollsim.ref.activation", Payload: { StandardConfigurations: ["com.enrollsim.ref.passcode", "com.enrollsim.ref.status"] } },
    ];
    const out = [...decls, ...this.assets.declarations()].map((x) => {
      const kind = (DDM_KINDS as readonly string[]).find((k) => x.Type.startsWith(`com.apple.${k}.`)) as DdmKind | undefined;
      if (!kind) throw new ScenarioError(`embedded.apple.ddm.declarations: ${x.Type} is not an activation/configuration/asset/management type`);
      const serverToken = hex(this.core.ctx.crypto.digest("sha256", new Uint8Array(Buffer.from(JSON.stringify([x.Type, x.Identifier, x.Payload]))))).slice(0, 16);
      return { kind, json: { ...x, ServerToken: serverToken } };
    });
    const token = hex(this.core.ctx.crypto.digest("sha256", new Uint8Array(Buffer.from(out.map((d) => d.json.ServerToken).join(","))))).slice(0, 16);
    this.ddmCache = { decls: out, token };
    return this.ddmCache;
  }

  /** DeclarativeManagement check-in: tokens, declaration-items, declaration/<kind>/<id>, status. */
  declarative(d: DeviceRecord, dict: PlistDict): HttpResponse {
    const endpoint = typeof dict.Endpoint === "string" ? dict.Endpoint : "";
    if (!this.core.config.ddm?.enabled) return this.core.reject("ddm.disabled", text(404, "declarative management is not enabled on this server"));
    const set = this.ddmSet();
    if (endpoint === "tokens") return json(200, { SyncTokens: { DeclarationsToken: set.token, Timestamp: new Date(this.core.ctx.now()).toISOString().replace(/\.\d{3}Z$/, "Z") } });
    if (endpoint === "declaration-items") {
      const Declarations = Object.fromEntries(DDM_KINDS.map((k) => [DDM_ITEM_KEYS[k], set.decls.filter((x) => x.kind === k).map((x) => ({ Identifier: x.json.Identifier, ServerToken: x.json.ServerToken }))]));
      return json(200, { Declarations, DeclarationsToken: set.token });
    }
    const m = /^declaration\/(activation|configuration|asset|management)\/(.+)$/.exec(endpoint);
    if (m) {
      const id = decodeURIComponent(m[2]!);
      const x = set.decls.find((y) => y.kind === m[1] && y.json.Identifier === id);
      return x ? json(200, x.json) : this.core.reject("ddm.unknown-declaration", text(404, `no ${m[1]} ${id}`));
    }
    if (endpoint === "status") {
      if (!(dict.Data instanceof Uint8Array)) return this.core.reject("ddm.status", text(400, "status without Data"));
      let report: DdmStatusReport;
      try {
        report = parseStatusReport(dict.Data, { maxBytes: 256 * 1024 });
      } catch (e) {
        return this.core.reject("ddm.status", text(400, (e as Error).message));
      }
      d.ddmReports = (d.ddmReports ?? 0) + 1;
      d.ddmStatus = report.FullReport ? report.StatusItems : mergeDeep(d.ddmStatus ?? {}, report.StatusItems);
      this.reports.push({ udid: d.udid, report });
      if (this.reports.length > 10_000) this.reports.shift();
      return { status: 204, headers: {}, body: new Uint8Array(0), url: "" };
    }
    return this.core.reject("ddm.endpoint", text(400, `unknown DeclarativeManagement Endpoint "${endpoint.slice(0, 80)}"`));
  }
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const o = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && o && typeof o === "object" && !Array.isArray(o) ? mergeDeep(o as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
