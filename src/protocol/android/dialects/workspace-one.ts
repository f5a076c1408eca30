// SPDX-License-Identifier: MIT
/**
 * The Workspace ONE Intelligent Hub (package com.airwatch.androidagent, admin receiver
 * com.airwatch.agent.DeviceAdministratorReceiver) enrolling as its barcode / QR staging does: it reads the admin
 * extras `serverurl`, `gid` (the Group ID of the organization group), `un` and `pw` (the staging user's credentials)
 * (shared/notes/android.md §9, the Hub's QR provisioning extras) and signs in to its server with them, without a
 * screen: "For barcode enrollment and sideload staging, there is no user interface" (Omnissa KB 115001665168).
 *
 * The Hub↔UEM enrollment wire is not published; enrollsim's stand-in (server/android/ws1.ts) is one JSON exchange:
 *   POST {serverurl}/enroll {groupId, username, password, serialNumber, imei?, model, managementMode}
 *     → 200 {status: "OK", deviceId} | 4xx {status: "ERROR", reason, message}
 * `reason` is INVALID_GROUP_ID, INVALID_CREDENTIALS or ACCOUNT_LOCKED; the Hub shows the published text of its cause
 * (agents/workspace-one-hub.yaml, the vendor agent catalog) through the flow's agent mapping (device/android/agent-shown.ts).
 * Not modelled: the Hub's interactive enrollment screens (email / server URL / Group ID typed by a user), its
 * check-ins after enrollment, the captcha page itself.
 */
import { WIZARD_TEXT } from "../../../wire/android/errors.js";
import { decoded, step } from "../../common/context.js";
import { exchange } from "../../common/exchange.js";
import type { AndroidDialect, DialectInput, DialectOutcome } from "./types.js";

export const WS1_STEPS = { enroll: "android.ws1.enroll" } as const;
export const WS1_PACKAGE = "com.airwatch.androidagent";
/** The admin extras the Hub reads for staging (notes §9). */
export const WS1_EXTRAS = { serverUrl: "serverurl", groupId: "gid", user: "un", password: "pw" } as const;

const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));
const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

function readBody(body: Uint8Array): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(body.subarray(0, 65536)).toString("utf8")) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export const workspaceOneDialect: AndroidDialect = {
  name: "workspace-one",
  description:
    "Workspace ONE Intelligent Hub staging: enrolls with the admin extras serverurl, gid, un, pw over enrollsim's stand-in wire (the Hub's protocol is not published), showing the Hub's published errors (CREATE_MDM_ERROR, Invalid User Credentials.)",
  packages: [WS1_PACKAGE],
  async enroll(input: DialectInput): Promise<DialectOutcome> {
    const { ctx, adminExtras: x, device } = input;
    const S = WS1_STEPS.enroll;
    const serverUrl = str(x[WS1_EXTRAS.serverUrl]);
    const missing = [WS1_EXTRAS.serverUrl, WS1_EXTRAS.groupId, WS1_EXTRAS.user, WS1_EXTRAS.password].filter((k) => str(x[k]) === undefined);
    if (!serverUrl || missing.length) return { ok: false, code: "android.ws1.staging-extras-missing", step: S, message: `${WIZARD_TEXT.cantSetUp} (the staging payload has no ${missing.join(", ")}: a headless staging has no screen to ask for them)` };
    const groupId = str(x[WS1_EXTRAS.groupId])!;
    const username = str(x[WS1_EXTRAS.user])!;
    return step(ctx, S, async () => {
      const res = await exchange(
        ctx,
        S,
        {
          method: "POST",
          url: `${serverUrl.replace(/\/$/, "")}/enroll`,
          headers: { "content-type": "application/json", accept: "application/json" },
          body: json({
            groupId,
            username,
            password: str(x[WS1_EXTRAS.password]),
            serialNumber: device.serialNumber,
            ...(device.imei ? { imei: device.imei } : {}),
            model: device.model,
            apiLevel: device.apiLevel,
            managementMode: input.managementMode,
          }),
        },
        { acceptStatus: [400, 401, 403, 404, 423] },
      );
      const body = readBody(res.body);
      const reason = typeof body.reason === "string" ? body.reason.slice(0, 64) : undefined;
      const message = typeof body.message === "string" ? body.message.slice(0, 500) : undefined;
      decoded(ctx, S, { status: res.status, groupId, username, result: typeof body.status === "string" ? body.status : undefined, reason, message });
      if (res.status === 200 && body.status === "OK") {
        const deviceId = typeof body.deviceId === "string" ? body.deviceId.slice(0, 100) : undefined;
        return { ok: true, code: "android.ws1.enrolled", ...(deviceId ? { deviceName: deviceId } : {}) };
      }
      const code = reason && /^[A-Z_]{1,64}$/.test(reason) ? `android.ws1.${reason.toLowerCase().replace(/_/g, "-")}` : `android.ws1.http-${res.status}`;
      return { ok: false, code, step: S, message: `${WIZARD_TEXT.cantSetUp} (${message ?? `HTTP ${res.status}`})`, ...(reason || message ? { serverError: { ...(reason ? { reason } : {}), ...(message ? { message } : {}) } } : {}) };
    });
  },
};
