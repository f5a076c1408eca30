// SPDX-License-Identifier: MIT
/**
 * The server's side of managed app installs: which apps it sent each device, what the device last
 * reported for them, and the App Store stand-in a device asks for an app's licence.
 * - After an InstallApplication the app is pending; at each later session's Idle the server asks
 *   ManagedApplicationList for its pending apps (Identifiers), as MDM servers verify installs, until
 *   the device reports a final status (Managed, UserRejected, Failed, …) or no longer lists the app
 *   (transient statuses are reported once).
 * - GET /apple/appstore/licenses/<adamId>?serialNumber=… answers, in Apple's place, the question a
 *   device's App Store asks while it installs: the app's bundle id and name, and whether the device
 *   (serial) or its user holds a licence (the Apps and Books location, vpp.ts). No authentication: it
 *   stands in for Apple's service, not for the MDM server.
 */
import type { HttpRequest, HttpResponse } from "../../ports/http.js";
import { isDict, type PlistDict } from "../../wire/apple/plist.js";
import { COMPANY_PORTAL_ADAM_ID, COMPANY_PORTAL_BUNDLE_ID, type VppPool } from "./vpp.js";

/** Statuses after which the server stops asking (application.managed.list.yaml). */
const FINAL = new Set(["Managed", "ManagedButUninstalled", "UserInstalledApp", "UserRejected", "UpdateRejected", "ManagementRejected", "Failed", "Unknown"]);

/** At most this many ManagedApplicationList queries per device for one install (a prompt left open for days). */
const MAX_QUERIES = 50;

interface Tracked {
  adamId?: number;
  /** Identifier the device reports the app under (bundle id), or the one the command named. */
  identifier: string;
  /** The device acknowledged the InstallApplication (until then there is nothing to ask). */
  delivered: boolean;
  status?: string;
  queries: number;
}

const json = (status: number, v: unknown): HttpResponse => ({ status, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(v))), url: "" });

export class AppInstallTracker {
  /** udid → bundle id → what the server knows. */
  readonly apps = new Map<string, Map<string, Tracked>>();
  /** Final statuses reported, by status (stats). */
  readonly reported: Record<string, number> = {};

  constructor(private readonly pool: () => VppPool | undefined) {}

  bundleId(adamId: number): string {
    return this.pool()?.bundleId(adamId) ?? (adamId === COMPANY_PORTAL_ADAM_ID ? COMPANY_PORTAL_BUNDLE_ID : `id${adamId}`);
  }

  /** An InstallApplication was queued for the device; returns the identifier the app is tracked under. */
  sent(udid: string, payload: PlistDict): string | undefined {
    const adamId = typeof payload.iTunesStoreID === "number" ? payload.iTunesStoreID : undefined;
    const identifier = typeof payload.Identifier === "string" ? payload.Identifier : adamId !== undefined ? this.bundleId(adamId) : undefined;
    if (!identifier) return undefined;
    const per = this.apps.get(udid) ?? new Map<string, Tracked>();
    this.apps.set(udid, per);
    per.set(identifier, { identifier, ...(adamId !== undefined ? { adamId } : {}), delivered: false, queries: 0 });
    return identifier;
  }

  /** The device answered the InstallApplication: Acknowledged (the install goes on), or an error status (final). */
  answered(udid: string, identifier: string, status: string): void {
    const t = this.apps.get(udid)?.get(identifier);
    if (!t) return;
    if (status === "Acknowledged") t.delivered = true;
    else if (status !== "NotNow") t.status = `command ${status}`;
  }

  /** At a session's Idle: the Identifiers to ask ManagedApplicationList about, if any. */
  pending(udid: string): string[] {
    const out: string[] = [];
    for (const t of this.apps.get(udid)?.values() ?? []) {
      if (!t.delivered || (t.status && (FINAL.has(t.status) || t.status.startsWith("command ")))) continue;
      if (t.queries >= MAX_QUERIES) continue;
      t.queries++;
      out.push(t.identifier);
    }
    return out;
  }

  /** A ManagedApplicationList reply: record each app's status; a pending app not listed is done. */
  result(udid: string, dict: PlistDict, asked: readonly string[]): void {
    const list = isDict(dict.ManagedApplicationList) ? dict.ManagedApplicationList : {};
    const per = this.apps.get(udid);
    if (!per) return;
    for (const id of asked) {
      const t = per.get(id);
      if (!t) continue;
      const item = list[id];
      const status = isDict(item) && typeof item.Status === "string" ? item.Status.slice(0, 40) : "NotListed";
      t.status = status;
      if (FINAL.has(status)) this.reported[status] = (this.reported[status] ?? 0) + 1;
      if (status === "NotListed") t.status = "Unknown";
    }
  }

  /** Last status per app of a device (REST API, tests). */
  statuses(udid: string): Record<string, string> {
    return Object.fromEntries([...(this.apps.get(udid)?.values() ?? [])].map((t) => [t.identifier, t.status ?? "Sent"]));
  }

  /** GET /apple/appstore/licenses/<adamId>: the App Store stand-in. */
  store(req: HttpRequest, path: string, user: (serial: string) => string | undefined): HttpResponse {
    if (req.method !== "GET") return json(405, { message: "GET only" });
    const m = /^\/apple\/appstore\/licenses\/(\d{1,12})$/.exec(path);
    if (!m) return json(404, { message: "no such app" });
    const adamId = Number(m[1]);
    const serial = new URL(req.url, "http://localhost").searchParams.get("serialNumber") ?? undefined;
    const pool = this.pool();
    const app = pool?.app(adamId);
    const licence = pool?.licenceFor(adamId, serial, serial ? user(serial) : undefined);
    return json(200, {
      adamId,
      bundleId: this.bundleId(adamId),
      name: app?.name ?? (adamId === COMPANY_PORTAL_ADAM_ID ? "Intune Company Portal" : `App ${adamId}`),
      licence: licence ?? null,
    });
  }
}
