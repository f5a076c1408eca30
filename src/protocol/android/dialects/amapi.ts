// SPDX-License-Identifier: MIT
/**
 * The AMAPI dialect: Android Device Policy redeeming its enrollment token with "Google" (here
 * enrollsim's fake AMAPI, whose device-facing endpoints are enrollsim's own: Google's are
 * private), then sending status reports and acknowledging commands. The EMM sees the result
 * through the fake AMAPI REST surface and Pub/Sub pushes.
 *
 *   POST {amapi}/device/v1/enrollmentTokens:redeem   → Device | {error:{code,status,message,reason}}
 *   POST {amapi}/device/v1/{device}:reportStatus     → {policyVersion, pendingCommands[]}
 *   POST {amapi}/device/v1/{operation}:ack           → {}
 */
import { ScenarioError } from "../../../errors/index.js";
import { readDevice, readStatusAck, parseGoogleError } from "../../../wire/android/amapi.js";
import { CLOUDDPC, WIZARD_TEXT } from "../../../wire/android/index.js";
import { decoded, step } from "../../common/context.js";
import { exchange } from "../../common/exchange.js";
import type { AndroidDialect, DialectInput, DialectOutcome } from "./types.js";

export const AMAPI_STEPS = { redeem: "android.amapi.redeem", report: "android.amapi.status", ack: "android.amapi.command" } as const;

/** Fake-AMAPI error reasons → stable outcome codes. */
const REASON_CODES: Record<string, string> = {
  TOKEN_EXPIRED: "android.token.expired",
  TOKEN_REVOKED: "android.token.revoked",
  TOKEN_ALREADY_USED: "android.token.used",
  TOKEN_NOT_FOUND: "android.token.invalid",
  MODE_NOT_ALLOWED: "android.token.mode-mismatch",
  ENROLLMENT_BLOCKED: "android.enrollment.blocked",
  DEVICE_LIMIT: "android.enrollment.device-limit",
};

const json = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));
const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

export const amapiDialect: AndroidDialect = {
  name: "amapi",
  description: "Android Device Policy ↔ Google (fake AMAPI): token redemption, status reports, command acks",
  packages: ["com.google.android.apps.work.clouddpc"],
  async enroll(input: DialectInput): Promise<DialectOutcome> {
    const { ctx, device, options } = input;
    const base = options.amapiUrl?.replace(/\/$/, "");
    if (!base) throw new ScenarioError("the amapi dialect needs options.android.amapiUrl (or the embedded server)");
    const token = input.adminExtras[CLOUDDPC.tokenExtra];
    if (typeof token !== "string" || token === "")
      return { ok: false, code: "android.amapi.no-token", step: AMAPI_STEPS.redeem, message: `${WIZARD_TEXT.cantSetUp} (no ${CLOUDDPC.tokenExtra} in the admin extras)` };
    const redeemed = await step(ctx, AMAPI_STEPS.redeem, async () => {
      const res = await exchange(
        ctx,
        AMAPI_STEPS.redeem,
        {
          method: "POST",
          url: `${base}/device/v1/enrollmentTokens:redeem`,
          headers: { "content-type": "application/json" },
          body: json({
            enrollmentToken: token,
            managementMode: input.managementMode,
            ownership: input.ownership,
            provisioningMode: input.mode,
            apiLevel: device.apiLevel,
            hardwareInfo: { brand: device.brand, manufacturer: device.manufacturer, model: device.model, hardware: device.hardware, serialNumber: device.serialNumber },
            softwareInfo: { androidVersion: device.androidVersion, androidBuildNumber: device.buildNumber, securityPatchLevel: device.securityPatch, androidDevicePolicyVersionCode: 18420 },
            networkInfo: { imei: device.imei, wifiMacAddress: device.wifiMac },
          }),
        },
        { acceptStatus: [400, 403, 404, 409, 410] },
      );
      if (res.status >= 400) {
        const err = parseGoogleError(text(res.body));
        const reason = (() => {
          try {
            return String((JSON.parse(text(res.body)) as { error?: { reason?: unknown } }).error?.reason ?? "");
          } catch {
            return "";
          }
        })();
        const code = REASON_CODES[reason] ?? `android.amapi.${(err?.status ?? `http-${res.status}`).toLowerCase()}`;
        decoded(ctx, AMAPI_STEPS.redeem, { status: res.status, error: err?.status, reason, code });
        return { ok: false as const, code, message: `${WIZARD_TEXT.cantSetUp} (${err?.message || reason || `HTTP ${res.status}`})` };
      }
      const dev = readDevice(text(res.body));
      decoded(ctx, AMAPI_STEPS.redeem, { device: dev.name, managementMode: dev.managementMode, ownership: dev.ownership, state: dev.state, policyName: dev.policyName });
      return { ok: true as const, device: dev };
    });
    if (!redeemed.ok) return { ok: false, code: redeemed.code, step: AMAPI_STEPS.redeem, message: redeemed.message };
    const dev = redeemed.device;
    let policyVersion = dev.appliedPolicyVersion ?? "0";
    const reports = options.statusReports ?? 1;
    for (let i = 0; i < reports; i++) {
      if (i > 0) await ctx.clock.sleep(options.statusIntervalMs ?? 60_000, ctx.signal);
      const ack = await step(ctx, AMAPI_STEPS.report, async () => {
        const res = await exchange(ctx, AMAPI_STEPS.report, {
          method: "POST",
          url: `${base}/device/v1/${dev.name}:reportStatus`,
          headers: { "content-type": "application/json" },
          body: json({
            appliedPolicyVersion: policyVersion,
            policyCompliant: !options.nonCompliant,
            ...(options.nonCompliant ? { nonComplianceDetails: [{ settingName: "passwordPolicies", nonComplianceReason: "USER_ACTION" }] } : {}),
            softwareInfo: { securityPatchLevel: device.securityPatch },
            report: i,
          }),
        });
        const a = readStatusAck(text(res.body));
        decoded(ctx, AMAPI_STEPS.report, { policyVersion: a.policyVersion, pendingCommands: a.pendingCommands.length });
        return a;
      });
      policyVersion = ack.policyVersion;
      for (const op of ack.pendingCommands.slice(0, 16)) {
        await step(ctx, AMAPI_STEPS.ack, async () => {
          await exchange(ctx, AMAPI_STEPS.ack, { method: "POST", url: `${base}/device/v1/${op.name}:ack`, headers: { "content-type": "application/json" }, body: json({ done: true }) });
        });
      }
    }
    return { ok: true, code: "android.enrolled", deviceName: dev.name, policyVersion };
  },
};
