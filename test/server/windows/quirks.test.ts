// SPDX-License-Identifier: MIT
/** The reference server's profile bookkeeping and its reproducible server bugs, seen through its REST view. */
import { describe, expect, it } from "vitest";
import type { HttpHandler } from "../../../src/ports/http.js";
import { removeFromBody } from "../../../src/wire/body-edit.js";
import { windowsHarness } from "../../device/windows/harness.js";

/** What an `edit` fault does to the SyncML exchanges (dm endpoint only), applied around the server's handler. */
const editDm =
  (where: "request" | "response", path: string) =>
  (h: HttpHandler): HttpHandler =>
  async (req) => {
    const dm = /\/windows\/dm\b|ManagementServer/i.test(req.url) && req.body !== undefined;
    const res = await h(dm && where === "request" ? { ...req, body: removeFromBody(req.body!, path).body } : req);
    return dm && where === "response" && res.body.length ? { ...res, body: removeFromBody(res.body, path).body } : res;
  };

const ADMX = { uri: "./Device/Vendor/MSFT/Policy/Config/MicrosoftEdge~Policy~microsoft_edge~Startup/HomepageLocation", value: '<enabled/><data id="HomepageLocation" value="https://intranet.contoso.com"/>' };

async function deviceView(h: Awaited<ReturnType<typeof windowsHarness>>, index = 0) {
  const id = h.context(index).ctx.identity.windows!.deviceId;
  const res = await h.handler({ method: "GET", url: `${h.server.urls.https}/windows/api/devices/${id}`, headers: {} });
  return JSON.parse(new TextDecoder().decode(res.body)) as { profiles?: Record<string, { state: string; attempts: number; detail?: string }>; resent: number; outstanding: number; sessions: number };
}

describe("windows reference server: profiles and quirks", () => {
  it("a verified profile is applied when the device reads the value back, and stays verifying (re-sent each session) when it cannot", async () => {
    const h = await windowsHarness({ profiles: [{ name: "edge", verify: true, settings: [ADMX] }] });
    try {
      const ok = await h.run("windows-byod", { windows: { polls: 2, minuteMs: 10 } }, 0);
      expect(ok.result.ok).toBe(true);
      expect((await deviceView(h, 0)).profiles).toMatchObject({ edge: { state: "applied", attempts: 1 } });
      const writeOnly = { cspStatus: [{ uri: "./Device/Vendor/MSFT/Policy/Config/*~Policy~*", verb: "Get" as const, status: 404 }] };
      const stuck = await h.run("windows-byod", { windows: { polls: 2, minuteMs: 10 } }, 1, undefined, writeOnly);
      expect(stuck.result.code).toBe("windows.dm.commands-resent");
      const v = await deviceView(h, 1);
      expect(v.profiles!.edge).toMatchObject({ state: "verifying", attempts: 3, detail: "Get → 404" });
    } finally {
      await h.close();
    }
  });

  it("an answer whose Replace inside Atomic lacks CmdID (edit fault): the server records the profile as failed with the Atomic's 507", async () => {
    const h = await windowsHarness({
      profiles: [{ name: "ring", atomic: true, settings: [{ verb: "Add", uri: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursEnd", value: "18" }, { uri: "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursMaxRange", value: "12" }] }],
    }, editDm("response", "SyncML/SyncBody/Atomic/Replace/CmdID"));
    try {
      const r = await h.run("windows-byod", {});
      expect(r.result.code).toBe("windows.dm.atomic-failed");
      expect((await deviceView(h)).profiles!.ring).toMatchObject({ state: "failed", detail: expect.stringContaining("Status 507") });
    } finally {
      await h.close();
    }
  });

  it("a server that reads only the first Status (edit fault on the request): every command looks unanswered and is re-sent at each new session", async () => {
    const h = await windowsHarness({}, editDm("request", "SyncML/SyncBody/Status[2..]"));
    try {
      const r = await h.run("windows-byod", { windows: { polls: 3, minuteMs: 10 } });
      expect(r.result.code).toBe("windows.dm.commands-resent");
      const v = await deviceView(h);
      expect(v.sessions).toBe(4);
      expect(v.resent).toBe(3 * 3); // 3 inventory commands, re-sent in sessions 2, 3 and 4
    } finally {
      await h.close();
    }
  });

  it("without quirks nothing is outstanding after a session and nothing is re-sent", async () => {
    const h = await windowsHarness({});
    try {
      const r = await h.run("windows-byod", { windows: { polls: 3, minuteMs: 10 } });
      expect(r.result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
      expect(await deviceView(h)).toMatchObject({ sessions: 4, resent: 0, outstanding: 0 });
    } finally {
      await h.close();
    }
  });
});
