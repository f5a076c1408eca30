// SPDX-License-Identifier: MIT
/**
 * Exactly-once resume of Apple enrollments (issue 13 #5), in memory on virtual time: a device is
 * killed at each durable MDM state — just after the checkpoint is saved (nothing of the state sent),
 * or after the state's message reached the server but its answer never came back — and a new
 * instance of the same device continues from the saved checkpoint. The reference server's own
 * records must show one identity certificate issued and one enrollment per UDID.
 */
import { describe, expect, it } from "vitest";
import type { CheckpointPort, DurablePoint, ResumeMode } from "../../../src/ports/index.js";
import type { HttpHandler } from "../../../src/ports/http.js";
import { parseCheckin } from "../../../src/wire/apple/mdm.js";
import { appleWorld, type AppleWorld } from "./harness.js";

class Killed extends Error {}

/** A checkpoint port like the runner's: the last point saved, how the device resumed; `killAt` dies when that state is saved. */
function port(o: { saved?: DurablePoint; killAt?: string } = {}): CheckpointPort & { last?: DurablePoint; steps: string[]; modes: { mode: ResumeMode; why?: string }[] } {
  const p: CheckpointPort & { last?: DurablePoint; steps: string[]; modes: { mode: ResumeMode; why?: string }[] } = {
    ...(o.saved ? { saved: o.saved } : {}),
    steps: [],
    modes: [],
    save(point) {
      p.last = structuredClone(point);
      p.steps.push(point.step);
      if (point.step === o.killAt) throw new Killed(`killed at ${point.step}`);
    },
    resumed(mode, why) {
      p.modes.push({ mode, ...(why ? { why } : {}) });
      delete p.saved;
    },
  };
  return p;
}

/** Answers lost in transit: the request reaches the server, then the connection dies (the process was killed). */
function loseAnswer(messageType: string): { wrap: (h: HttpHandler) => HttpHandler; armed: { on: boolean } } {
  const armed = { on: true };
  return {
    armed,
    wrap: (h) => async (req) => {
      const res = await h(req);
      if (armed.on && new URL(req.url).pathname === "/apple/checkin" && req.body && parseCheckin(req.body).messageType === messageType) {
        armed.on = false;
        throw new Killed(`killed after ${messageType} reached the server`);
      }
      return res;
    },
  };
}

/** The server's own records for the one device: enrollments per UDID, certificates issued. */
function serverView(w: AppleWorld) {
  return { enrollments: [...w.apple.devices.values()].map((d) => d.enrollments?.length), certificates: w.ref.records().certificates.length };
}

describe("Apple resume from durable MDM states (virtual time, in-memory server)", () => {
  for (const flow of ["ios-profile", "ios-ade"] as const) {
    for (const state of ["apple.authenticate", "apple.tokenupdate", "apple.commands"]) {
      it(`${flow}: killed as it saved ${state}, a new instance continues there — one certificate, one enrollment`, async () => {
        const w = await appleWorld({ commands: [{ requestType: "DeviceInformation", payload: { Queries: ["DeviceName"] } }] });
        const first = port({ killAt: state });
        await expect(w.run(await w.device("iphone-15", 3, undefined, first), flow)).rejects.toThrow(/killed/);
        expect(first.last?.step).toBe(state);
        const before = { ...w.apple.stats.checkins };
        const again = port({ saved: first.last! });
        const r = await w.run(await w.device("iphone-15", 3, undefined, again), flow);
        expect(r).toMatchObject({ ok: true, code: flow === "ios-ade" ? "apple.ade.enrolled" : "apple.enrolled" });
        expect(again.modes).toEqual([{ mode: "checkpoint" }]);
        // Nothing before the saved state is redone: no profile download, no SCEP, no second Authenticate.
        const after = w.apple.stats.checkins;
        expect((after.Authenticate ?? 0) - (before.Authenticate ?? 0)).toBe(state === "apple.authenticate" ? 1 : 0);
        expect(after.Authenticate).toBe(1);
        expect(serverView(w)).toEqual({ enrollments: [1], certificates: 1 });
        expect(w.ref.records().scepRequests.map((x) => x.pkcsReqs)).toEqual([1]);
        // The command queued at Authenticate is answered exactly once.
        expect(
          w.apple.devices
            .values()
            .next()
            .value!.results.filter((x) => x.requestType === "DeviceInformation"),
        ).toHaveLength(1);
      });
    }
  }

  it("macos-ade: resumed at apple.tokenupdate, the Mac sends TokenUpdate, escrows its bootstrap token and opens the user channel; the transcript says it continued", async () => {
    const w = await appleWorld({ userChannel: true });
    const first = port({ killAt: "apple.tokenupdate" });
    await expect(w.run(await w.device("macbook-air-m3", 8, undefined, first), "macos-ade")).rejects.toThrow(/killed/);
    const again = port({ saved: first.last! });
    const mac = await w.device("macbook-air-m3", 8, undefined, again);
    expect(await w.run(mac, "macos-ade")).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    expect(w.apple.stats.checkins).toMatchObject({ Authenticate: 1, TokenUpdate: 3, SetBootstrapToken: 1, UserAuthenticate: 1 });
    const d = w.apple.devices.values().next().value!;
    expect(d.bootstrapToken?.length).toBe(32);
    expect(d.awaitingConfiguration).toBe(false);
    expect(serverView(w)).toEqual({ enrollments: [1], certificates: 1 });
    const note = mac.transcriptSink.events().find((e) => e.kind === "decoded" && e.step === "device" && typeof e.data?.resume === "string");
    expect(String(note?.data?.resume)).toMatch(/^continuing from apple.tokenupdate/);
    // No MachineInfo, no profile: the first request of the resumed Mac is its TokenUpdate.
    expect(mac.transcriptSink.events().find((e) => e.kind === "http")?.step).toBe("checkin.tokenupdate");
  });

  for (const messageType of ["Authenticate", "TokenUpdate"]) {
    it(`ios-profile: killed after ${messageType} reached the server, the resumed device sends it again with the same identity — still one enrollment`, async () => {
      const lose = loseAnswer(messageType);
      const w = await appleWorld({}, {}, lose.wrap);
      const first = port();
      await expect(w.run(await w.device("iphone-15", 4, undefined, first), "ios-profile")).rejects.toThrow(/killed/);
      expect(first.last?.step).toBe(messageType === "Authenticate" ? "apple.authenticate" : "apple.tokenupdate");
      const again = port({ saved: first.last! });
      const r = await w.run(await w.device("iphone-15", 4, undefined, again), "ios-profile");
      expect(r).toMatchObject({ ok: true, code: "apple.enrolled" });
      expect(w.apple.stats.checkins[messageType]).toBe(2);
      expect(serverView(w)).toEqual({ enrollments: [1], certificates: 1 });
    });
  }

  it("killed during SCEP (after the PKCSReq left): the profile is downloaded again and the same transaction re-polled, then Authenticate", async () => {
    const w = await appleWorld({}, { pending: 1 });
    const first = port({ killAt: "scep.pkioperation" });
    await expect(w.run(await w.device("iphone-15", 5, undefined, first), "ios-profile")).rejects.toThrow(/killed/);
    // The kill above came before the PKCSReq left; the resumed device finds no transaction at the CA and sends its first PKCSReq.
    const again = port({ saved: first.last! });
    expect(await w.run(await w.device("iphone-15", 5, undefined, again), "ios-profile")).toMatchObject({ ok: true });
    expect(again.modes).toEqual([{ mode: "checkpoint" }]);
    expect(again.steps).toEqual(["scep.pkioperation", "apple.authenticate", "apple.tokenupdate", "apple.commands"]);
    expect(serverView(w)).toEqual({ enrollments: [1], certificates: 1 });
  });

  it("a checkpoint whose key slot holds another key is not used: the device enrolls again and says why (resumed-restart)", async () => {
    const w = await appleWorld();
    const first = port({ killAt: "apple.tokenupdate" });
    await expect(w.run(await w.device("iphone-15", 6, undefined, first), "ios-profile")).rejects.toThrow(/killed/);
    const saved = structuredClone(first.last!);
    (saved.data.identity as { keySlot: number }).keySlot += 1;
    const again = port({ saved });
    expect(await w.run(await w.device("iphone-15", 6, undefined, again), "ios-profile")).toMatchObject({ ok: true });
    expect(again.modes).toHaveLength(1);
    expect(again.modes[0]).toMatchObject({ mode: "restart", why: expect.stringMatching(/pool slot \d+ is not the checkpoint identity's/) });
    // Redone from the start: a second PKCSReq (this CA answers it as a retry of the same key's transaction) and a second Authenticate.
    expect(w.ref.records().scepRequests.map((x) => x.pkcsReqs)).toEqual([2]);
    expect(w.apple.stats.checkins.Authenticate).toBe(2);
  });

  it("an ADE checkpoint is not continued by the profile flow (restart, with why)", async () => {
    const w = await appleWorld();
    const first = port({ killAt: "apple.authenticate" });
    await expect(w.run(await w.device("iphone-15", 7, undefined, first), "ios-ade")).rejects.toThrow(/killed/);
    const again = port({ saved: first.last! });
    await w.run(await w.device("iphone-15", 7, undefined, again), "ios-profile");
    expect(again.modes[0]).toMatchObject({ mode: "restart", why: expect.stringMatching(/ADE enrollment/) });
  });
});

describe("Apple resume keeps which installed roots wait for the user's full trust (profile-trust.ts)", () => {
  it("ios-profile: the hand-installed profile's root is saved as waiting, and a resumed device saves it so again; ADE's is trusted", async () => {
    const w = await appleWorld({});
    const first = port({ killAt: "apple.authenticate" });
    await expect(w.run(await w.device("iphone-15", 4, undefined, first), "ios-profile")).rejects.toThrow(/killed/);
    const waiting = first.last!.data.needsFullTrust as string[];
    expect(waiting).toHaveLength(1);
    expect((first.last!.data.anchors as string[]).filter((a) => waiting.includes(a))).toHaveLength(1);
    const again = port({ saved: first.last! });
    await w.run(await w.device("iphone-15", 4, undefined, again), "ios-profile");
    // Saved again from the resumed device's store (apple.tokenupdate, apple.commands): still waiting.
    expect(again.steps.length).toBeGreaterThan(0);
    expect(again.last!.data.needsFullTrust).toEqual(waiting);
    const ade = port({ killAt: "apple.authenticate" });
    await expect(w.run(await w.device("iphone-15", 5, undefined, ade), "ios-ade")).rejects.toThrow(/killed/);
    expect(ade.last!.data.needsFullTrust).toBeUndefined();
  }, 60_000);
});
