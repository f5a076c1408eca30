// SPDX-License-Identifier: MIT
/**
 * Setup Assistant panes as device state (`state.setupAssistant`) against the embedded Apple half
 * (in-memory HTTP, virtual clock): Quick Start comes before anything reaches the server; the cloud
 * configuration's skip_setup_items decides the panes; the user's action at each pane decides the end.
 */
import { describe, expect, it } from "vitest";
import type { HttpHandler } from "../../../src/ports/http.js";
import { stateProblem } from "../../../src/device/state.js";
import { appleWorld } from "./harness.js";

const counting = () => {
  const paths: string[] = [];
  const wrap =
    (h: HttpHandler): HttpHandler =>
    (req) => {
      paths.push(new URL(req.url).pathname);
      return h(req);
    };
  return { paths, wrap };
};

describe("Setup Assistant panes as device state", () => {
  it("idling at Quick Start: nothing reaches the MDM server, not even the cloud configuration", async () => {
    const c = counting();
    const w = await appleWorld({}, {}, c.wrap);
    const r = await w.run(await w.device("iphone-15", 0, { setupAssistant: { quickStart: "idles" } }), "ios-ade");
    expect(r).toMatchObject({ ok: false, code: "apple.setup.idle-at-pane", step: "ade.setup-pane" });
    expect(r.message).toContain('"Quick Start" pane (QuickStart)');
    expect(r.message).toContain("nothing has reached the MDM server");
    expect(c.paths).toEqual([]);
    expect(w.apple.devices.size).toBe(0);
  });

  it("Quick Start completed: the device still enrolls (Remote Management follows) and the Apple Account pane is already done", async () => {
    const w = await appleWorld({ cloudConfig: { skip_setup_items: ["Passcode", "Biometric"] } });
    const dev = await w.device("iphone-15", 0, { setupAssistant: { quickStart: "completes", panes: { AppleID: "idles" } } });
    expect(await w.run(dev, "ios-ade")).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    expect(w.apple.devices.size).toBe(1);
    // Without Quick Start the same user stops at the Apple Account pane, enrolled.
    const plain = await w.run(await w.device("iphone-15", 1, { setupAssistant: { panes: { AppleID: "idles" } } }), "ios-ade");
    expect(plain).toMatchObject({ ok: false, code: "apple.setup.idle-at-pane" });
    expect(plain.message).toContain("the MDM enrollment is done and kept");
    expect(w.apple.devices.size).toBe(2);
  });

  it("Set Up Manually at Quick Start: as if none was offered; the Passcode pane still fails on 14.5+ whatever the user taps", async () => {
    const w = await appleWorld();
    const r = await w.run(await w.device("iphone-15", 0, { setupAssistant: { quickStart: "cancels", panes: { Passcode: "cancels" } } }), "ios-ade");
    expect(r).toMatchObject({ ok: false, code: "apple.ade.setup-pane-failed" });
    expect(r.message).toContain("(Passcode)");
  });

  it("skip_setup_items decides which panes appear: a pane the user would idle at is never shown when skipped", async () => {
    const w = await appleWorld({ cloudConfig: { skip_setup_items: ["Passcode", "Biometric", "Siri"] } });
    const r = await w.run(await w.device("iphone-15", 0, { setupAssistant: { panes: { Siri: "idles" }, others: "cancels" } }), "ios-ade");
    expect(r).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    const shown = await appleWorld({ cloudConfig: { skip_setup_items: ["Passcode", "Biometric"] } });
    const s = await shown.run(await shown.device("iphone-15", 0, { setupAssistant: { panes: { Siri: "idles" } } }), "ios-ade");
    expect(s).toMatchObject({ ok: false, code: "apple.setup.idle-at-pane" });
    expect(s.message).toContain('"Siri" pane (Siri)');
  });

  it("a Mac has no Quick Start: the state is noted and the Mac enrolls", async () => {
    const w = await appleWorld();
    expect(await w.run(await w.device("macbook-air-m3", 0, { setupAssistant: { quickStart: "idles" } }), "macos-ade")).toMatchObject({ ok: true });
  });

  it("the vocabulary: an unknown pane and an unknown action get the candidates for a did-you-mean", () => {
    expect(stateProblem({ setupAssistant: { panes: { Passcod: "completes" } } }, "apple")).toMatchObject({ path: ["setupAssistant", "panes", "Passcod"], got: "Passcod", anchor: "key" });
    expect(stateProblem({ setupAssistant: { quickStart: "skips" } }, "apple")).toMatchObject({ got: "skips", candidates: ["completes", "cancels", "idles"] });
    expect(stateProblem({ setupAssistant: { quickStart: "idles" } }, "windows")).toMatchObject({ message: expect.stringContaining("an apple state key") });
  });
});
