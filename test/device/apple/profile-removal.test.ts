// SPDX-License-Identifier: MIT
/**
 * The enrollment profile's RemovalDate / DurationUntilRemoval (TopLevel.yaml: "the system
 * automatically removes the profile", the earliest of the two): on virtual time, an enrolled device
 * that keeps listening loses its enrollment when the time comes, and sends CheckOut when the MDM
 * payload asks for it.
 */
import { describe, expect, it } from "vitest";
import { appleWorld, START } from "./harness.js";

const listen = { apple: { push: { listen: 3, pollSeconds: 3600 } } };

describe("RemovalDate / DurationUntilRemoval", () => {
  it("DurationUntilRemoval 90 min: enrolled, then removed at the first wake-up past it, with CheckOut", async () => {
    const w = await appleWorld({ profile: { set: { "Configuration/DurationUntilRemoval": 5400 } } });
    const dev = await w.device("iphone-15");
    const r = await w.run(dev, "ios-profile", listen);
    expect(r).toMatchObject({ ok: false, code: "apple.profile.removed-on-date", step: "command.idle" });
    // Polls an hour apart: the second wake-up (2 h) is the first past 90 minutes.
    expect(w.clock.now() - START).toBeGreaterThanOrEqual(7_200_000);
    expect(w.clock.now() - START).toBeLessThan(3 * 3_600_000);
    const res = await w.apple.handler({ method: "GET", url: "https://ref.test/apple/api/devices", headers: {} });
    expect(JSON.parse(Buffer.from(res.body).toString("utf8"))).toEqual([expect.objectContaining({ checkedOut: true })]);
  });

  it("the earlier of RemovalDate and DurationUntilRemoval wins; a date in the future past the listening leaves the device enrolled", async () => {
    const soon = new Date(START + 30 * 60_000).toISOString();
    const w = await appleWorld({ profile: { set: { "Configuration/RemovalDate": { $date: soon }, "Configuration/DurationUntilRemoval": 86_400 } } });
    const r = await w.run(await w.device("iphone-15"), "ios-profile", listen);
    expect(r.code).toBe("apple.profile.removed-on-date");
    expect(w.clock.now() - START).toBeLessThan(2 * 3_600_000);
    const later = await appleWorld({ profile: { set: { "Configuration/RemovalDate": { $date: new Date(START + 10 * 86_400_000).toISOString() } } } });
    const stays = await later.run(await later.device("iphone-15"), "ios-profile", listen);
    expect(stays).toMatchObject({ ok: true, code: "apple.enrolled" });
  });
});
