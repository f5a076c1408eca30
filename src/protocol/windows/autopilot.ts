// SPDX-License-Identifier: MIT
/**
 * The Autopilot deployment-service stand-in (the real one is Microsoft-cloud-only): the device
 * POSTs its serial number and hardware hash and gets its profile, nothing (not registered), or a
 * hardware-change verdict.
 */
import { ProtocolViolationError } from "../../errors/index.js";
import { step, type ProtocolContext } from "../common/context.js";
import { exchange, mediaType } from "../common/exchange.js";
import { parseAutopilotProfile, type AutopilotProfile } from "../../wire/windows/autopilot.js";

export type ProfileOutcome = { status: "profile"; profile: AutopilotProfile } | { status: "not-registered" } | { status: "attention-required" };

export async function fetchAutopilotProfile(ctx: ProtocolContext, url: string, serialNumber: string, hardwareHash: string): Promise<ProfileOutcome> {
  return step(ctx, "autopilot.profile", async () => {
    const res = await exchange(
      ctx,
      "autopilot.profile",
      { method: "POST", url, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify({ serialNumber, hardwareHash })) },
      { acceptStatus: [404, 409] },
    );
    if (res.status === 404) return { status: "not-registered" as const };
    if (res.status === 409) return { status: "attention-required" as const };
    if (mediaType(res) !== "application/json") throw new ProtocolViolationError("autopilot.content-type", `profile service answered ${mediaType(res) || "no content type"}`);
    return { status: "profile" as const, profile: parseAutopilotProfile(new TextDecoder().decode(res.body), "profile service answer") };
  });
}

/**
 * The hash upload an admin runs on the device (Get-WindowsAutopilotInfo -Online, or the OEM's
 * CSV at purchase): registers this serial's current hardware hash with the deployment service.
 */
export async function uploadHardwareHash(ctx: ProtocolContext, url: string, serialNumber: string, hardwareHash: string): Promise<void> {
  await step(ctx, "autopilot.register", async () => {
    await exchange(ctx, "autopilot.register", { method: "POST", url, headers: { "content-type": "application/json" }, body: new TextEncoder().encode(JSON.stringify({ serialNumber, hardwareHash })) });
  });
}
