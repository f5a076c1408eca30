// SPDX-License-Identifier: MIT
/** Admin side of the Apple half for timeline actions (half.ts HalfAdmin). */
import { replaceConfig, type AdminDevice, type HalfAdmin } from "../half.js";
import { parseCertificate } from "../../wire/x509/certificate.js";
import { defaultAppleConfig, type AppleServerConfig } from "./core.js";
import type { ApnsProviderCertificate } from "./apns-provider.js";

/** What the admin side uses of the Apple half (server.ts AppleServer). */
export interface AppleAdminTarget<R extends AdminRecord = AdminRecord> {
  config: AppleServerConfig;
  devices: Map<string, R>;
  /** The ADE device list synced from Apple Business Manager (abm.ts). */
  field: { abm: { records: Map<string, unknown>; delete(serial: string): boolean; deleteBeforeSetup(serial: string): boolean; fullSync(): void } };
  /** Commands reach the device at its next check-in (EraseDevice for a remote wipe). */
  queue: { enqueue(d: R, requestType: string, payload?: Record<string, never>): string };
  /** The tenant's enrollment records keep the ownership too (keyed by UDID). */
  ctx: { policy: { enrollments: Map<string, { ownership: "corporate" | "personal" }> } };
  services: { provider?: ApnsProviderCertificate; renewPushCertificate(appleId: string): { topic: string } | undefined; vpp?: { expireToken(): string; revokeToken(): string } };
  /** The policy engine (server.policy: the context's, or an empty one when a test builds the context by hand). */
  policy: { removed(deviceKey: string): void };
  /** The enrollment portal's invitations (portal.ts). */
  portal: { expireAll(): string; revokeAll(): string };
  /** Profile-driven User Enrollment grants (user-enrollment-grants.ts): a deleted record's grant goes with it. */
  userEnrollmentGrants: { release(token: string | undefined): void };
}

type AdminRecord = { udid: string; serialNumber?: string; identity?: Uint8Array; ownership: "corporate" | "personal"; userEnrollmentGrant?: string };

export function appleAdmin<R extends AdminRecord>(server: AppleAdminTarget<R>): HalfAdmin {
  return {
    reconfigure: (raw) => {
      const before = JSON.stringify(server.config.apnsCertificate ?? null);
      replaceConfig(server.config, { ...defaultAppleConfig(), ...((raw ?? {}) as Partial<AppleServerConfig>) });
      // A new push certificate in the configuration (timeline `set` of embedded.apple.apnsCertificate)
      // is the admin renewing it, under its appleId (the current one when the set names none).
      const cert = server.config.apnsCertificate;
      if (cert && JSON.stringify(cert) !== before) {
        const appleId = cert.appleId ?? server.services.provider?.current?.appleId;
        if (appleId) server.services.renewPushCertificate(appleId);
      }
    },
    // Records are keyed by UDID (User Enrollment: EnrollmentID); serial and identity serial match too.
    deleteDevices: (devices) => {
      let n = 0;
      for (const d of devices) {
        let hadRecord = false;
        for (const [key, rec] of server.devices) {
          const certSerial = d.certificateSerials.some((s) => rec.identity && hexSerialOf(rec.identity) === s);
          if ((d.udid && rec.udid === d.udid) || (d.serialNumber && rec.serialNumber === d.serialNumber) || certSerial) {
            // A deleted device no longer counts toward its user's device limit (server-policies.md §2.6).
            server.policy.removed(rec.udid);
            server.userEnrollmentGrants.release(rec.userEnrollmentGrant); // the grant goes with its record
            server.devices.delete(key);
            hadRecord = true;
            n++;
          }
        }
        // The ADE device list too (the ABM assignment stays: a full sync brings the record back). A
        // device not set up yet has only its ADE record, which is deleted before it asks for it.
        const apple = d.platform === undefined || d.platform === "ios" || d.platform === "ipados" || d.platform === "macos";
        if (!d.serialNumber || !apple) continue;
        if (hadRecord) server.field.abm.delete(d.serialNumber);
        else if (server.field.abm.deleteBeforeSetup(d.serialNumber)) n++;
      }
      return n;
    },
    resync: () => {
      const abm = server.field.abm;
      const before = abm.records.size;
      abm.fullSync();
      return `ADE device list: full sync with Apple Business Manager (${abm.records.size} record(s), ${abm.records.size - before} back)`;
    },
    wipe: (devices) => {
      let n = 0;
      for (const d of devices) {
        for (const rec of server.devices.values()) {
          if (!((d.udid && rec.udid === d.udid) || (d.serialNumber && rec.serialNumber === d.serialNumber))) continue;
          server.queue.enqueue(rec, "EraseDevice", {});
          n++;
        }
      }
      return n;
    },
    setOwnership: (devices, ownership) => {
      const changed = new Set<AdminDevice>();
      for (const d of devices) {
        for (const rec of server.devices.values()) {
          if (!((d.udid && rec.udid === d.udid) || (d.serialNumber && rec.serialNumber === d.serialNumber))) continue;
          rec.ownership = ownership;
          const p = server.ctx.policy.enrollments.get(rec.udid);
          if (p) p.ownership = ownership;
          changed.add(d);
        }
      }
      return changed;
    },
    expire: (what) => {
      if (what === "enrollment-invitations") return server.portal.expireAll();
      if (what === "vpp-token") return server.services.vpp?.expireToken() ?? "not applied: the scenario has no Apps and Books location (embedded.apple.vpp)";
      if (what !== "push-certificate") return undefined;
      const c = server.services.provider?.expireNow();
      return c ? `the MDM push certificate (topic ${c.topic}) expired at ${new Date(c.notAfter).toISOString()}` : "not applied: the scenario models no push certificate (embedded.apple.apnsCertificate)";
    },
    revoke: (what) => {
      if (what === "enrollment-invitations") return server.portal.revokeAll();
      if (what !== "vpp-token") return undefined;
      return server.services.vpp?.revokeToken() ?? "not applied: the scenario has no Apps and Books location (embedded.apple.vpp)";
    },
  };
}

function hexSerialOf(der: Uint8Array): string | undefined {
  try {
    return parseCertificate(der, "device identity").serialHex;
  } catch {
    return undefined;
  }
}
