// SPDX-License-Identifier: MIT
/**
 * CheckOut is one attempt (com.apple.mdm.yaml CheckOutWhenRemoved: "the device attempts to send a
 * CheckOut message … when the profile is removed"): the profile is gone whatever the server answers,
 * so a refused CheckOut is recorded and never fails the device.
 */
import { describe, expect, it } from "vitest";
import type { HttpHandler } from "../../../src/ports/http.js";
import { appleWorld } from "./harness.js";

/** The server's MDM endpoint refuses every CheckOut with `status`; everything else passes. */
const refuseCheckOut =
  (status: number): HttpHandler =>
  (h) =>
  async (req) =>
    req.body && new TextDecoder().decode(req.body).includes("<string>CheckOut</string>") ? { status, headers: {}, body: new Uint8Array(), url: req.url } : h(req);

describe("CheckOut when removed", () => {
  it("a user removing the profile: a CheckOut answered 500 is recorded, the device still ends unenrolled", async () => {
    const w = await appleWorld({ signMessage: true }, {}, refuseCheckOut(500) as unknown as (h: HttpHandler) => HttpHandler);
    const dev = await w.device("macbook-air-m3");
    const r = await w.run(dev, "macos-profile", { apple: { unenrollAtEnd: true } });
    expect(r).toMatchObject({ ok: true, code: "apple.unenrolled" });
    expect(w.apple.stats.checkins.CheckOut).toBeUndefined();
    const note = dev.transcriptSink.events().find((e) => e.step === "checkin.checkout" && e.kind === "decoded" && "checkOut" in (e.data as object));
    expect(note?.data).toMatchObject({ checkOut: expect.stringContaining("failed, not retried"), cause: "transport.http-status" });
  });

  it("the same run with a server that takes the CheckOut: sent, nothing recorded as failed", async () => {
    const w = await appleWorld({ signMessage: true });
    const dev = await w.device("macbook-air-m3");
    expect(await w.run(dev, "macos-profile", { apple: { unenrollAtEnd: true } })).toMatchObject({ ok: true, code: "apple.unenrolled" });
    expect(w.apple.stats.checkins.CheckOut).toBe(1);
    expect(dev.transcriptSink.events().some((e) => e.step === "checkin.checkout" && e.kind === "decoded" && "checkOut" in (e.data as object))).toBe(false);
  });
});
