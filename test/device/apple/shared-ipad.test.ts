// SPDX-License-Identifier: MIT
/**
 * Shared iPad as device state (`state.sharedIPad`) against the embedded Apple half (in-memory HTTP,
 * virtual clock): what the iPad sends (no UnlockToken, a user-channel TokenUpdate with UserShortName and
 * the all-F UserID, IsMultiUser) and what it refuses (commands Apple's schemas forbid on Shared iPad; a
 * profile enrollment), against a plain iPad and an iPhone given the same state.
 */
import { describe, expect, it } from "vitest";
import type { HttpHandler } from "../../../src/ports/http.js";
import { stateProblem } from "../../../src/device/state.js";
import { buildPlistBytes } from "../../../src/wire/apple/plist.js";
import { buildProfileDict, payloadHeader } from "../../../src/wire/apple/profile.js";
import { appleWorld } from "./harness.js";

const CMDS = [{ requestType: "UserList" }, { requestType: "ClearRestrictionsPassword" }, { requestType: "DeviceInformation", payload: { Queries: ["IsMultiUser", "UDID"] } }];

function checkins() {
  const bodies: string[] = [];
  const wrap =
    (h: HttpHandler): HttpHandler =>
    (req) => {
      if (req.body && /checkin|mdm/.test(req.url)) bodies.push(Buffer.from(req.body).toString("utf8"));
      return h(req);
    };
  return { bodies, wrap };
}

const statusOf = (w: Awaited<ReturnType<typeof appleWorld>>, rt: string) => [...w.apple.devices.values()][0]!.results.find((r) => r.requestType === rt)?.status;

describe("Shared iPad as device state", () => {
  it("ADE: no UnlockToken, the signed-in user's channel carries UserShortName and the all-F UserID; UserList runs, ClearRestrictionsPassword is refused", async () => {
    const c = checkins();
    const w = await appleWorld({ commands: CMDS }, {}, c.wrap);
    const r = await w.run(await w.device("ipad-air-m2", 0, { sharedIPad: { user: "student1@school.example" } }), "ios-ade");
    expect(r).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
    const tokenUpdates = c.bodies.filter((b) => b.includes("<string>TokenUpdate</string>"));
    for (const b of tokenUpdates) expect(b).not.toContain("<key>UnlockToken</key>");
    const userChannel = tokenUpdates.filter((b) => b.includes("<key>UserShortName</key>"));
    expect(userChannel.length).toBe(1);
    expect(tokenUpdates.length).toBeGreaterThan(userChannel.length); // the device channel's own
    expect(userChannel[0]).toContain("<string>student1@school.example</string>");
    expect(userChannel[0]).toContain("<string>FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF</string>");
    expect(userChannel[0]).not.toContain("<key>UserLongName</key>");
    const d = [...w.apple.devices.values()][0]!;
    expect(d.users).toEqual(["student1@school.example"]);
    expect(statusOf(w, "UserList")).toBe("Acknowledged");
    expect(statusOf(w, "ClearRestrictionsPassword")).toBe("Error");
    expect(c.bodies.some((b) => /<key>IsMultiUser<\/key>\s*<true\/>/.test(b))).toBe(true);
  });

  it("the same commands on a plain iPad: UserList is Shared-iPad-only (Error); the plain iPad sends its UnlockToken", async () => {
    const c = checkins();
    const w = await appleWorld({ commands: CMDS }, {}, c.wrap);
    expect(await w.run(await w.device("ipad-air-m2", 0), "ios-ade")).toMatchObject({ ok: true });
    expect(statusOf(w, "UserList")).toBe("Error");
    expect(statusOf(w, "ClearRestrictionsPassword")).toBe("Acknowledged");
    expect(c.bodies.some((b) => b.includes("<key>UnlockToken</key>"))).toBe(true);
    expect(c.bodies.some((b) => /<key>IsMultiUser<\/key>\s*<false\/>/.test(b))).toBe(true);
  });

  it("an iPhone is never a Shared iPad: the state does not apply", async () => {
    const w = await appleWorld({ commands: CMDS });
    expect(await w.run(await w.device("iphone-15", 0, { sharedIPad: { user: "a@b.example" } }), "ios-ade")).toMatchObject({ ok: true });
    expect(statusOf(w, "UserList")).toBe("Error");
    expect([...w.apple.devices.values()][0]!.users).toEqual([]);
  });

  it("ADE only: a profile enrollment is refused on the iPad and nothing authenticates", async () => {
    const w = await appleWorld();
    const r = await w.run(await w.device("ipad-air-m2", 0, { sharedIPad: {} }), "ios-profile");
    expect(r).toMatchObject({ ok: false, code: "apple.shared-ipad.ade-only", step: "profile.install" });
    expect(w.apple.devices.size).toBe(0);
  });

  it("every Setup Assistant pane after activation is skipped: a user state that would idle at Siri does not stop a Shared iPad", async () => {
    const w = await appleWorld({ cloudConfig: { skip_setup_items: [] } });
    const plain = await w.run(await w.device("ipad-air-m2", 0, { setupAssistant: { panes: { Siri: "idles" }, others: "cancels" } }), "ios-ade");
    expect(plain).toMatchObject({ ok: false });
    const shared = await w.run(await w.device("ipad-air-m2", 1, { sharedIPad: {}, setupAssistant: { panes: { Siri: "idles" } } }), "ios-ade");
    expect(shared).toMatchObject({ ok: true, code: "apple.ade.enrolled" });
  });

  it("InstallProfile of a passcode policy: refused on a Shared iPad (Apple fixes its passcode), installed on a plain iPad", async () => {
    const type = "com.apple.mobiledevice.passwordpolicy";
    const profile = Buffer.from(buildPlistBytes(buildProfileDict({ identifier: "com.example.pw", uuid: "P-1", displayName: "pw", payloads: [{ ...payloadHeader(type, "com.example.pw.p", "P-2", type) }] }))).toString("base64");
    const cmd = [{ requestType: "InstallProfile", payload: { Payload: { $data: profile } } }];
    const shared = await appleWorld({ commands: cmd });
    await shared.run(await shared.device("ipad-air-m2", 0, { sharedIPad: {} }), "ios-ade");
    expect(statusOf(shared, "InstallProfile")).toBe("Error");
    const plain = await appleWorld({ commands: cmd });
    await plain.run(await plain.device("ipad-air-m2", 0), "ios-ade");
    expect(statusOf(plain, "InstallProfile")).toBe("Acknowledged");
  });

  it("the vocabulary: an unknown key under sharedIPad gets the candidates", () => {
    expect(stateProblem({ sharedIPad: { users: "x" } }, "apple")).toMatchObject({ got: "users", candidates: ["user"] });
  });
});
