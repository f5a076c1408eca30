// SPDX-License-Identifier: MIT
/**
 * AMAPI remote wipe on virtual time: an enrolled device waiting on its FCM connection is tickled by the
 * admin's wipe (devices.delete sends the WIPE command and a SYNC push), syncs at once instead of at its next
 * status report, acknowledges WIPE and ends as wiped; the acknowledgement ends the server's record.
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { androidServer, runAndroidFlow, START } from "./harness.js";

describe("AMAPI WIPE delivered by an FCM tickle (virtual time)", () => {
  it("the admin wipes 3 minutes after enrollment; the waiting device wakes within one FCM read, acknowledges WIPE and is gone", async () => {
    const clock = new VirtualClock(START);
    const { server, half } = await androidServer({}, clock);
    const wipeAt = 180_000;
    let serial = "";
    clock.setTimer(wipeAt, () => {
      serial = String([...half.amapi.devices.values()][0]!.hardwareInfo?.serialNumber);
      half.admin!.wipe!([{ serialNumber: serial } as never]);
    });
    const out = await runAndroidFlow("android-qr", { awaitPushSeconds: 900, pushPollSeconds: 15 }, server.handler, { clock });
    expect(out.result).toMatchObject({ ok: false, code: "android.device.wiped", step: "android.amapi.command" });
    expect(out.result.message).toContain("PRESERVE_RESET_PROTECTION_DATA");
    expect(clock.now() - START).toBeGreaterThanOrEqual(wipeAt);
    expect(clock.now() - START).toBeLessThan(wipeAt + 15_000 + 1_000);
    expect(out.events.find((e) => e.step === "android.amapi.command" && e.kind === "decoded")!.data).toMatchObject({ command: "WIPE", wipeDataFlags: ["PRESERVE_RESET_PROTECTION_DATA"] });
    expect(half.amapi.devices.size).toBe(0);
    const again = await server.handler({
      method: "POST",
      url: "https://mdm.test/android/amapi/device/v1/devices:reportStatus",
      headers: { "content-type": "application/json" },
      body: new Uint8Array(Buffer.from(JSON.stringify({ hardwareInfo: { serialNumber: serial } }))),
    });
    expect(serial).not.toBe("");
    expect(again.status).toBe(404);
  });
});
