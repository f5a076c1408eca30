// SPDX-License-Identifier: MIT
/** A join or registration as the device registration service receives it, and the policy engine's decision on it (engine.ts `join`). */
import type { DirectoryRefusal } from "./directory-objects.js";
import type { JoinRequestBody } from "../../wire/windows/join-body.js";

export type JoinDecision = { ok: true; mdm: boolean; mam: boolean } | { ok: false; refusal: JoinRefusal; message: string };
export type JoinRefusal = "join-not-allowed" | "device-quota" | DirectoryRefusal;

/**
 * A join or registration as the device registration service receives it: the wire body's facts (its field types and
 * docs are the source, wire/windows/join-body.ts), with the device's key id as `deviceKey` (upper case), its serial
 * as `serial`, and `registration` always said (server/windows/drs.ts maps the body).
 */
export type JoinRequest = Pick<JoinRequestBody, "upn" | "attested" | "autopilot" | "tpm" | "tpmManufacturerId" | "tpmFirmwareVersion" | "hybrid"> & {
  deviceKey: string;
  serial?: string;
  registration: boolean;
};
