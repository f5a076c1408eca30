// SPDX-License-Identifier: MIT
/**
 * Setup Assistant's network pane as the user's choice (`setupAssistant.network`) with the per-release rule
 * (panes.ts NETWORK_PANE), and older macOS releases answering as they do, on the in-memory Apple world
 * (virtual clock): a Mac before macOS 13 set up offline never asks for its cloud configuration; on 13+ it
 * stays at the pane; an iPhone with a modem activates over cellular, a Wi-Fi-only iPad cannot go on.
 */
import { describe, expect, it } from "vitest";
import { appleWorld } from "./harness.js";

const MONTEREY = { version: "12.7.6", build: "21H1320" };
const VENTURA = { version: "13.6", build: "22G120" };

describe("Setup Assistant network pane", () => {
  it("macOS 12 offline: no cloud configuration is asked for, nothing reaches the server; macOS 13: the Mac stays at the pane", async () => {
    const w = await appleWorld();
    const old = await w.run(await w.device("macbook-pro-2017", 0, { os: MONTEREY, setupAssistant: { network: "cancels" } }), "macos-ade");
    expect(old).toMatchObject({ ok: false, code: "apple.ade.skipped-offline", step: "ade.setup-network" });
    expect(old.message).toContain("profiles renew -type enrollment");
    const ventura = await w.run(await w.device("macbook-pro-2017", 1, { os: VENTURA, setupAssistant: { network: "cancels" } }), "macos-ade");
    expect(ventura).toMatchObject({ ok: false, code: "apple.setup.network-required", step: "ade.setup-network" });
    expect(ventura.message).toContain("macOS 13 and later");
    expect(w.apple.devices.size).toBe(0);
    expect(w.apple.stats.adeEnrollments).toBe(0);
    // The same Macs joining a network enroll through ADE.
    for (const [i, os] of [MONTEREY, VENTURA].entries()) {
      expect(await w.run(await w.device("macbook-pro-2017", 2 + i, { os, setupAssistant: { network: "completes" } }), "macos-ade")).toMatchObject({ ok: true });
    }
    expect(w.apple.devices.size).toBe(2);
  });

  it("iPhone with a modem activates over cellular; a Wi-Fi-only iPad stays; Quick Start brings the network; idles stays", async () => {
    const w = await appleWorld();
    // (Past Remote Management the iPhone stops at the Passcode pane, broken after ADE on iOS 14.5+: it did enroll.)
    const phone = await w.run(await w.device("iphone-15", 0, { setupAssistant: { network: "cancels" } }), "ios-ade");
    expect(phone).toMatchObject({ step: "ade.setup-pane" });
    expect(w.apple.devices.size).toBe(1);
    const ipad = await w.run(await w.device("ipad-air-m2", 0, { setupAssistant: { network: "cancels" } }), "ios-ade");
    expect(ipad).toMatchObject({ ok: false, code: "apple.setup.network-required", step: "ade.setup-network" });
    expect(ipad.message).toContain("no cellular connection");
    // Quick Start completed: the Wi-Fi network came over, the pane is not shown whatever the state says.
    expect(await w.run(await w.device("ipad-air-m2", 1, { setupAssistant: { quickStart: "completes", network: "cancels" } }), "ios-ade")).toMatchObject({ step: "ade.setup-pane" });
    const idle = await w.run(await w.device("macbook-pro-2017", 0, { os: MONTEREY, setupAssistant: { network: "idles" } }), "macos-ade");
    expect(idle).toMatchObject({ ok: false, code: "apple.setup.idle-at-pane", step: "ade.setup-pane" });
    expect(w.apple.devices.size).toBe(2);
  });
});

describe("older macOS releases", () => {
  it("a Mac before 10.15 sends no SetBootstrapToken; 10.15 escrows one", async () => {
    const w = await appleWorld();
    expect(await w.run(await w.device("macbook-pro-2017", 0, { os: { version: "10.12.6", build: "16G29" } }), "macos-ade")).toMatchObject({ ok: true });
    expect(w.apple.stats.checkins.SetBootstrapToken ?? 0).toBe(0);
    expect(await w.run(await w.device("macbook-pro-2017", 1, { os: { version: "10.15.7", build: "19H2" } }), "macos-ade")).toMatchObject({ ok: true });
    expect(w.apple.stats.checkins.SetBootstrapToken).toBe(1);
  });

  it("macOS 10.12 has no User Approved MDM: the profile flow has no approval step; 10.15 has one", async () => {
    const w = await appleWorld();
    const steps = async (os: { version: string; build: string }, i: number) => {
      const dev = await w.device("macbook-pro-2017", i, { os });
      expect(await w.run(dev, "macos-profile")).toMatchObject({ ok: true });
      return new Set(dev.transcriptSink.events().map((e) => e.step));
    };
    expect((await steps({ version: "10.12.6", build: "16G29" }, 0)).has("profile.approve")).toBe(false);
    expect((await steps({ version: "10.15.7", build: "19H2" }, 1)).has("profile.approve")).toBe(true);
  });

  it("a command introduced after the release is refused on it (DeclarativeManagement: macOS 13)", async () => {
    const status = async (os: { version: string; build: string }) => {
      const w = await appleWorld({ commands: [{ requestType: "DeclarativeManagement" }], ddm: { enabled: true } });
      await w.run(await w.device("macbook-pro-2017", 0, { os }), "macos-profile");
      return [...w.apple.devices.values()][0]!.results.find((x) => x.requestType === "DeclarativeManagement");
    };
    const old = await status(MONTEREY);
    expect(old?.status).toBe("Error");
    expect(JSON.stringify(old?.errorChain)).toContain("13.0");
    expect((await status(VENTURA))?.status).not.toBe("Error");
  });
});
