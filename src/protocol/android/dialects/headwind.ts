// SPDX-License-Identifier: MIT
/**
 * The Headwind-style device REST dialect (h-mdm/hmdm-android ↔ hmdm-server): read com.hmdm.*
 * admin extras, choose the device id, POST the configuration (enroll), verify the response
 * signature if asked, adopt `newNumber`, upload device info, then long-poll for push messages
 * and re-read the configuration on `configUpdated`.
 */
import { ScenarioError } from "../../../errors/index.js";
import {
  HEADWIND_DEFAULT_SECRET,
  compactJson,
  headwindSignature,
  readEnvelope,
  readPushMessages,
  readSyncResponse,
} from "../../../wire/android/headwind.js";
import { WIZARD_TEXT } from "../../../wire/android/errors.js";
import { decoded, step, type ProtocolContext } from "../../common/context.js";
import { exchange } from "../../common/exchange.js";
import type { AndroidDialect, DialectCheckinInput, DialectInput, DialectOutcome } from "./types.js";
import { deviceWait } from "../../common/device-wait.js";

/**
 * The outcome code of a Headwind ERROR envelope: its `message` is a key (error.notfound.device,
 * error.signature.mismatch, http-503), which the code carries. Any other text (a server's prose, a
 * fault body) is not a code: `android.headwind.unknown`, the raw text kept in the outcome's message.
 */
export function headwindCode(message: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(message) ? `android.headwind.${message}` : "android.headwind.unknown";
}

export const HEADWIND_STEPS = { config: "android.headwind.configuration", info: "android.headwind.info", push: "android.headwind.push", selfUpdate: "android.headwind.self-update" } as const;

/** Headwind's launcher (the agent) as shipped with enrollsim's hosted APK. */
export const HEADWIND_AGENT = { pkg: "com.hmdm.launcher", versionCode: 15270 } as const;

const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));
const str = (v: unknown) => (typeof v === "string" ? v : v === undefined ? undefined : String(v));

export const headwindDialect: AndroidDialect = {
  name: "headwind",
  description: "Headwind MDM device REST: configuration sync, device info upload, long-poll push",
  packages: ["com.hmdm.launcher"],
  async enroll(input: DialectInput): Promise<DialectOutcome> {
    const { ctx, adminExtras: x, device, options } = input;
    const baseUrl = str(x["com.hmdm.BASE_URL"]);
    if (!baseUrl) return { ok: false, code: "android.headwind.no-base-url", step: HEADWIND_STEPS.config, message: `${WIZARD_TEXT.cantSetUp} (no com.hmdm.BASE_URL in the admin extras)` };
    const project = str(x["com.hmdm.SERVER_PROJECT"]) ?? "";
    const root = `${baseUrl.replace(/\/$/, "")}${project ? `/${project}` : ""}/rest`;
    const use = str(x["com.hmdm.DEVICE_ID_USE"]);
    let deviceId = str(x["com.hmdm.DEVICE_ID"]) ?? str(x["ru.headwind.kiosk.DEVICE_ID"]) ?? (use === "serial" ? device.serialNumber : use === "imei" ? device.imei : undefined) ?? device.serialNumber;
    if (!/^[\w.@:-]{1,100}$/.test(deviceId)) throw new ScenarioError(`Headwind device id "${deviceId.slice(0, 40)}" is not usable in a URL path`);
    const secret = options.headwindSecret ?? HEADWIND_DEFAULT_SECRET;
    const sha1 = (b: Uint8Array) => ctx.crypto.digest("sha1", b);
    const create: Record<string, unknown> = {};
    if (x["com.hmdm.CUSTOMER"] !== undefined) create.customer = str(x["com.hmdm.CUSTOMER"]);
    if (x["com.hmdm.CONFIG"] !== undefined) create.configuration = str(x["com.hmdm.CONFIG"]);
    if (x["com.hmdm.GROUP"] !== undefined) create.groups = str(x["com.hmdm.GROUP"])!.split(",").filter(Boolean);

    const sync = async (method: "POST" | "GET") =>
      step(ctx, HEADWIND_STEPS.config, async () => {
        const res = await exchange(ctx, HEADWIND_STEPS.config, {
          method,
          url: `${root}/public/sync/configuration/${encodeURIComponent(deviceId)}`,
          headers: { "x-request-signature": headwindSignature(secret, deviceId, sha1), "x-cpu-arch": "arm64-v8a", ...(method === "POST" ? { "content-type": "application/json" } : {}) },
          body: method === "POST" ? json(create) : undefined,
        }, { acceptStatus: [401, 403, 404] });
        if (res.status === 401 || res.status === 404) {
          decoded(ctx, HEADWIND_STEPS.config, { status: res.status, transient: true });
          return { ok: false as const, message: `http-${res.status}`, transient: true };
        }
        const env = readEnvelope(Buffer.from(res.body).toString("utf8"));
        if (env.status === "ERROR") {
          decoded(ctx, HEADWIND_STEPS.config, { status: env.status, message: env.message });
          return { ok: false as const, message: env.message ?? "error" };
        }
        const data = readSyncResponse(env.data);
        if (options.checkSignature) {
          const want = headwindSignature(secret, compactJson(env.data), sha1);
          const got = res.headers["x-response-signature"];
          if (got?.toUpperCase() !== want) return { ok: false as const, message: "error.signature.mismatch" };
        }
        decoded(ctx, HEADWIND_STEPS.config, { status: env.status, applications: data.applications.length, newNumber: data.newNumber, pushOptions: data.pushOptions });
        return { ok: true as const, data };
      });

    const first = await sync(Object.keys(create).length ? "POST" : "GET");
    if (!first.ok) return { ok: false, code: headwindCode(first.message), step: HEADWIND_STEPS.config, message: `${WIZARD_TEXT.cantSetUp} (${first.message})` };
    if (first.data.newNumber) deviceId = first.data.newNumber;

    // The configuration lists the agent itself: a newer version code makes the agent update
    // itself, which closes the app while it installs (field failure android-aosp-agent-self-update);
    // after the restart it syncs again.
    const own = options.agentVersionCode ?? HEADWIND_AGENT.versionCode;
    const offered = first.data.applications.find((a) => a.pkg === HEADWIND_AGENT.pkg) as { code?: unknown } | undefined;
    if (offered && typeof offered.code === "number" && offered.code > own) {
      await step(ctx, HEADWIND_STEPS.selfUpdate, async () =>
        decoded(ctx, HEADWIND_STEPS.selfUpdate, { pkg: HEADWIND_AGENT.pkg, from: own, to: offered.code, effect: "agent app closes to install the update, then restarts" }),
      );
      const again = await sync("GET");
      if (!again.ok) return { ok: false, code: headwindCode(again.message), step: HEADWIND_STEPS.config, message: `${WIZARD_TEXT.cantSetUp} (${again.message})` };
    }

    const info = await step(ctx, HEADWIND_STEPS.info, async () => {
      const res = await exchange(ctx, HEADWIND_STEPS.info, {
        method: "POST",
        url: `${root}/public/sync/info`,
        headers: { "content-type": "application/json" },
        body: json({
          deviceId,
          model: device.model,
          imei: device.imei ?? "",
          imei2: device.imei2 ?? "",
          serial: device.serialNumber,
          apiLevel: device.apiLevel,
          managementMode: input.managementMode,
          // enrollsim extension (like apiLevel / managementMode): the user signed in to the agent, whose device limit the record counts against.
          ...(input.user ? { user: input.user } : {}),
          cpu: "arm64-v8a",
          batteryLevel: 87,
          batteryCharging: false,
          androidVersion: device.androidVersion,
          mdmMode: input.managementMode === "DEVICE_OWNER",
          kioskMode: false,
          launcherType: "",
          launcherPackage: "com.hmdm.launcher",
          defaultLauncher: true,
          permissions: [1, 1, 1],
          applications: [{ pkg: "com.hmdm.launcher", name: "Headwind MDM", version: "5.27", code: 15270 }],
        }),
      });
      const env = readEnvelope(Buffer.from(res.body).toString("utf8"));
      decoded(ctx, HEADWIND_STEPS.info, { status: env.status, message: env.message ?? undefined });
      return env;
    });
    if (info.status === "ERROR") {
      if (info.message === "error.enrollment.version-blocked")
        return { ok: false, code: "android.enrollment.version-blocked", step: HEADWIND_STEPS.info, message: "Your device can't be enrolled: this Android version isn't allowed by your organization. Sign out of the app and contact your IT admin." };
      if (info.message === "error.device.notfound") return { ok: false, code: "android.headwind.error.device.notfound", step: HEADWIND_STEPS.info, message: `${WIZARD_TEXT.cantSetUp} (error.device.notfound)` };
    }

    const polls = options.pushPolls ?? 1;
    for (let i = 0; i < polls; i++) {
      const messages = await longPoll(ctx, root, deviceId, secret, sha1);
      if (messages.some((m) => m.messageType === "factoryReset"))
        return { ok: false, code: "android.device.wiped", step: HEADWIND_STEPS.push, message: "The admin wiped the device: it is factory-resetting; the server keeps its record as Pending until the reset has finished" };
      if (messages.some((m) => m.messageType === "configUpdated")) {
        let again = await sync("GET");
        // A transient 401/404: a careful agent retries later; a careless one wipes its enrollment
        // (field failure android-transient-401-404-unenrolls).
        for (let attempt = 0; !again.ok && "transient" in again && attempt < 3; attempt++) {
          if (options.unenrollOnAuthError)
            return { ok: false, code: "android.headwind.unenrolled", step: HEADWIND_STEPS.config, message: `The agent treated a transient HTTP ${again.message.slice(5)} as unenrollment and wiped its enrollment state; the device dropped out of management` };
          await deviceWait(ctx, options.retryDelayMs ?? 30_000, HEADWIND_STEPS.config, `the agent retries a transient ${again.message.slice(5)} (retry ${attempt + 1} of 3)`);
          again = await sync("GET");
        }
        if (!again.ok && again.message === "error.device.notfound")
          return { ok: false, code: "android.device.deleted", step: HEADWIND_STEPS.config, message: "The device record was deleted on the server; at this configuration read the agent learns it and factory-resets the device" };
        if (!again.ok) return { ok: false, code: headwindCode(again.message), step: HEADWIND_STEPS.config, message: `${WIZARD_TEXT.cantSetUp} (${again.message})` };
      }
    }
    for (let i = 0; i < (options.checkins ?? 0); i++) {
      await deviceWait(ctx, options.checkinIntervalMs ?? 300_000, HEADWIND_STEPS.config, `the agent's next check-in (${i + 1} of ${options.checkins ?? 0})`);
      const r = await sync("GET");
      if (!r.ok && r.message === "error.device.notfound")
        return { ok: false, code: "android.device.deleted", step: HEADWIND_STEPS.config, message: "The device record was deleted on the server; at this check-in the agent learns it and factory-resets the device" };
      if (!r.ok) return { ok: false, code: headwindCode(r.message), step: HEADWIND_STEPS.config, message: `${WIZARD_TEXT.cantSetUp} (${r.message})` };
      // pushOptions "polling": each check-in also reads the push queue (a wipe the admin sent meanwhile).
      const messages = await longPoll(ctx, root, deviceId, secret, sha1);
      if (messages.some((m) => m.messageType === "factoryReset"))
        return { ok: false, code: "android.device.wiped", step: HEADWIND_STEPS.push, message: "The admin wiped the device: it is factory-resetting; the server keeps its record as Pending until the reset has finished" };
    }
    return { ok: true, code: "android.enrolled", deviceName: deviceId };
  },

  /** Steady state: configuration sync, then one long-poll; a configUpdated push re-reads the configuration. */
  async checkin(input: DialectCheckinInput): Promise<DialectOutcome> {
    const { ctx, device, options } = input;
    const baseUrl = options.headwindBaseUrl;
    if (!baseUrl) throw new ScenarioError("a Headwind check-in needs the server URL (the embedded server, or `server:` in the scenario)");
    const root = `${baseUrl.replace(/\/$/, "")}/rest`;
    const deviceId = input.deviceId ?? device.serialNumber;
    if (!/^[\w.@:-]{1,100}$/.test(deviceId)) throw new ScenarioError(`Headwind device id "${deviceId.slice(0, 40)}" is not usable in a URL path`);
    const secret = options.headwindSecret ?? HEADWIND_DEFAULT_SECRET;
    const sha1 = (b: Uint8Array) => ctx.crypto.digest("sha1", b);
    const read = async () =>
      step(ctx, HEADWIND_STEPS.config, async () => {
        const res = await exchange(ctx, HEADWIND_STEPS.config, { method: "GET", url: `${root}/public/sync/configuration/${encodeURIComponent(deviceId)}`, headers: { "x-request-signature": headwindSignature(secret, deviceId, sha1) } }, { acceptStatus: [401, 403, 404] });
        if (res.status >= 400) {
          decoded(ctx, HEADWIND_STEPS.config, { status: res.status });
          return `http-${res.status}`;
        }
        const env = readEnvelope(Buffer.from(res.body).toString("utf8"));
        if (env.status === "ERROR") {
          decoded(ctx, HEADWIND_STEPS.config, { status: env.status, message: env.message });
          return env.message ?? "error";
        }
        const data = readSyncResponse(env.data);
        decoded(ctx, HEADWIND_STEPS.config, { status: env.status, applications: data.applications.length });
        return undefined;
        // A refused or failed sync (HTTP 401/403/404, an ERROR envelope) is the outcome, and a failed sample.
      }, (m) => m !== undefined);
    const fail = (m: string): DialectOutcome =>
      m === "error.device.notfound"
        ? { ok: false, code: "android.device.deleted", step: HEADWIND_STEPS.config, message: "The device record was deleted on the server; the agent factory-resets the device" }
        : { ok: false, code: headwindCode(m), step: HEADWIND_STEPS.config, message: `Configuration sync failed (${m})` };
    const first = await read();
    if (first) return fail(first);
    const messages = await longPoll(ctx, root, deviceId, secret, sha1);
    if (messages.some((m) => m.messageType === "factoryReset")) return { ok: false, code: "android.device.wiped", step: HEADWIND_STEPS.push, message: "The admin wiped the device: it is factory-resetting" };
    if (messages.some((m) => m.messageType === "configUpdated")) {
      const again = await read();
      if (again) return fail(again);
    }
    return { ok: true, code: "android.headwind.synced", message: `${messages.length} push message(s)` };
  },
};

async function longPoll(ctx: ProtocolContext, root: string, deviceId: string, secret: string, sha1: (b: Uint8Array) => Uint8Array) {
  return step(ctx, HEADWIND_STEPS.push, async () => {
    const path = `/rest/notification/polling/${encodeURIComponent(deviceId)}`;
    const res = await exchange(ctx, HEADWIND_STEPS.push, { method: "GET", url: `${root}/notification/polling/${encodeURIComponent(deviceId)}`, headers: { "x-request-signature": headwindSignature(secret, path, sha1) } });
    const env = readEnvelope(Buffer.from(res.body).toString("utf8"));
    const messages = env.status === "OK" ? readPushMessages(env.data ?? []) : [];
    decoded(ctx, HEADWIND_STEPS.push, { status: env.status, messages: messages.map((m) => m.messageType) });
    return messages;
  });
}
