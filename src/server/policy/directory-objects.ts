// SPDX-License-Identifier: MIT
/**
 * Device objects of the tenant's directory (Microsoft Entra ID) and the join service's decision
 * from them (server-policies.md §3, §8.1). Objects come from the scenario (`embedded.policy.directory.devices`:
 * an Autopilot import's object by serial, a hybrid device synced from Active Directory, a registered or
 * joined device by id), from the Autopilot import itself (a registered hash has its object), and from
 * joins. An admin deletes objects (timeline `deleteRecords: { in: directory }`) or changes them
 * (timeline `set` of the list).
 *
 * What the join service answers (the HRESULT the device reports, wire/windows/dsreg.ts):
 * - A TPM-attested userless join (Autopilot self-deploying, pre-provisioning) authenticates as the
 *   Autopilot device object: without it (deleted) 0x801C03F3 (Windows Autopilot known issues).
 * - A hybrid sync join of a computer whose object has not synced yet: 0x801C03F2
 *   DSREG_E_DIRECTORY_FAILURE, server error DirectoryError "The device object by the given ID is not found."
 *   (Troubleshoot Microsoft Entra hybrid joined devices, sync join server errors).
 * - A join that authenticates as a disabled object: AADSTS135011 "Device used during the authentication
 *   is disabled." (Microsoft Entra authentication error codes). Windows' HRESULT for it during a join is
 *   not published, so none is given (the device shows the server code as unknown).
 * - "Users may join devices" and the per-user maximum: 0x801C0003 (Troubleshoot Microsoft Entra join).
 * - An Autopilot device in two profile assignments, or whose keys are bound to a TPM 1.2 (a 2.0-capable
 *   chip not upgraded): 0x801C03EA at "Registering your device for mobile management"
 *   (Troubleshoot Windows device enrollment errors in Intune).
 * A user-driven join (the user's credentials) creates its own object when none is found.
 */
import type { PolicyConfigHolder } from "./holder.js";
import type { DirectoryJoinType, DirectoryObjectState } from "./types.js";
import { FIRMWARE_REFUSED_TEXT } from "./tpm-attestation.js";

export interface DirectoryObject {
  deviceId?: string;
  serial?: string;
  state: DirectoryObjectState;
  joinType: DirectoryJoinType;
  owner?: string;
  autopilot: boolean;
  /** Its last join was TPM-attested and userless (Autopilot self-deploying, pre-provisioning). */
  attested?: boolean;
  /** Who made it: the scenario's data, an Autopilot import, or a join. */
  origin: "scenario" | "import" | "join";
  /** When a join or registration bound it during the run. */
  joinedAt?: number;
}

export type DirectoryRefusal = "device-object-missing" | "device-object-disabled" | "device-object-pending" | "device-attestation-refused" | "tpm-attestation-refused" | "autopilot-profile-conflict";

/** What the join service answers for a refusal: the device's HRESULT (when published), the server's error code and message. */
export const DIRECTORY_ANSWER: Record<DirectoryRefusal, { hresult?: string; serverError: string; subCode?: string; message: string }> = {
  "device-object-missing": { hresult: "0x801C03F3", serverError: "DirectoryError", message: "Microsoft Entra ID can't find the device object of this Autopilot device (it was deleted)" },
  "device-object-pending": { hresult: "0x801C03F2", serverError: "DirectoryError", message: "The device object by the given ID is not found." },
  "device-object-disabled": { serverError: "AADSTS135011", message: "Device used during the authentication is disabled." },
  "device-attestation-refused": { hresult: "0x801C03EA", serverError: "AuthorizationError", message: "The device's key attestation is from a TPM 1.2; Autopilot needs TPM 2.0" },
  // The attestation model's refusal of a TPM's firmware (tpm-attestation.ts): event 204 of blind trial 9's ticket 02.
  "tpm-attestation-refused": { hresult: "0x801C0003", serverError: "AuthorizationError", subCode: "MsaTicketTpmValidationFailed", message: FIRMWARE_REFUSED_TEXT },
  "autopilot-profile-conflict": { hresult: "0x801C03EA", serverError: "AuthorizationError", message: "The device is assigned two different Autopilot deployment profiles" },
};

const up = (s: string | undefined) => s?.trim().toUpperCase();

export class DirectoryObjects {
  private readonly objects: DirectoryObject[] = [];
  /** Indexes by device id and serial (a fleet of thousands joins in one run). */
  private readonly byId = new Map<string, DirectoryObject>();
  private readonly bySerial = new Map<string, DirectoryObject>();
  private readonly byOwner = new Map<string, Set<DirectoryObject>>();
  /** The `directory.devices` list last applied, as JSON (a timeline `set` that changes it applies it again; other changes do not). */
  private applied: string | undefined;
  private generation = -1;

  constructor(private readonly holder: PolicyConfigHolder) {}

  /** Every object, the deleted ones included (tombstones: an admin's deletion is remembered). */
  all(): readonly DirectoryObject[] {
    this.sync();
    return this.objects;
  }

  /** The object of a device: by device id first, then by serial (an Autopilot object before the device joined). */
  find(q: { deviceId?: string; serial?: string }): DirectoryObject | undefined {
    this.sync();
    const id = up(q.deviceId);
    const serial = up(q.serial);
    return (id ? this.byId.get(id) : undefined) ?? (serial ? this.bySerial.get(serial) : undefined);
  }

  /** Adds or updates a device's object. */
  put(q: { deviceId?: string; serial?: string }, fields: Partial<Omit<DirectoryObject, "deviceId" | "serial">>): DirectoryObject {
    const found = this.find(q);
    const o = (found ?? { state: "enabled", joinType: "joined", autopilot: false, origin: "join" }) as DirectoryObject;
    if (q.deviceId) {
      // A re-imaged PC has a new device id: its object (found by serial) now carries that one.
      if (o.deviceId && this.byId.get(o.deviceId) === o) this.byId.delete(o.deviceId);
      o.deviceId = up(q.deviceId);
      this.byId.set(o.deviceId!, o);
    }
    if (q.serial && !o.serial) {
      o.serial = up(q.serial);
      this.bySerial.set(o.serial!, o);
    }
    const owner = o.owner;
    Object.assign(o, fields);
    if (o.owner !== owner) {
      if (owner) this.byOwner.get(owner)?.delete(o);
      if (o.owner) this.byOwner.set(o.owner, (this.byOwner.get(o.owner) ?? new Set()).add(o));
    }
    if (!found) this.objects.push(o);
    return o;
  }

  /** Deletes the objects of these devices (by serial or device id); returns how many live objects went. */
  delete(devices: readonly { serial?: string; deviceId?: string }[]): number {
    let n = 0;
    for (const d of devices) {
      const o = this.find(d);
      if (o && o.state !== "deleted") ((o.state = "deleted"), n++);
      else if (!o && d.serial) (this.put({ serial: d.serial }, { state: "deleted", autopilot: true, origin: "import" }), n++); // the object an Autopilot import made implicitly
    }
    return n;
  }

  /** Live objects of a user that the per-user quota counts (Entra registered and joined; hybrid ones are not counted, §3). */
  ownedBy(upn: string, except?: DirectoryObject): DirectoryObject[] {
    this.sync();
    return [...(this.byOwner.get(upn.toLowerCase()) ?? [])].filter((o) => o !== except && o.state !== "deleted" && o.joinType !== "hybrid");
  }

  /** Applies `directory.devices` when it is new (first use, or replaced by a timeline `set`). */
  private sync(): void {
    if (this.holder.generation === this.generation) return;
    this.generation = this.holder.generation;
    const list = this.holder.get().directory?.devices;
    const json = JSON.stringify(list ?? []);
    if (json === this.applied) return;
    this.applied = json;
    for (const spec of list ?? []) {
      const fields = {
        state: spec.state ?? "enabled",
        joinType: spec.joinType ?? "joined",
        ...(spec.owner ? { owner: spec.owner.toLowerCase() } : {}),
        origin: "scenario" as const,
      };
      for (const serial of spec.serials ?? []) this.put({ serial }, { ...fields, autopilot: spec.autopilot ?? true });
      for (const deviceId of spec.deviceIds ?? []) this.put({ deviceId }, { ...fields, autopilot: spec.autopilot ?? false });
    }
  }
}
