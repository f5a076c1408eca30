// SPDX-License-Identifier: MIT
/** OMA-DM MaxMsgSize: the server announces a small MaxMsgSize; the device splits its package across messages. */
import { afterEach, describe, expect, it } from "vitest";
import type { HttpHandler } from "../../../src/ports/http.js";
import { parseSyncML } from "../../../src/wire/windows/syncml.js";
import { windowsHarness, type WinHarness } from "../../device/windows/harness.js";

let h: WinHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Seen { size: number; final: boolean; msgId: string; sessionId: string; verbs: string[]; reply: { verbs: string[]; alerts: string[]; maxMsgSize?: string } }

describe("windows OMA-DM MaxMsgSize and multi-message packages", () => {
  it("a small MaxMsgSize forces several device messages per package, Final only on the last, Alert 1222 between", async () => {
    const seen: Seen[] = [];
    const MAX = 1400;
    const wrap = (inner: HttpHandler): HttpHandler => async (req) => {
      const res = await inner(req);
      if (req.url.toLowerCase().includes("/managementserver/mdm.svc") && req.body) {
        const m = parseSyncML(req.body, "device message");
        const r = parseSyncML(res.body, "server message");
        seen.push({
          size: req.body.length,
          final: m.final,
          msgId: m.hdr.msgId,
          sessionId: m.hdr.sessionId,
          verbs: m.body.map((c) => c.verb),
          reply: { verbs: r.body.map((c) => c.verb), alerts: r.body.filter((c) => c.verb === "Alert").map((c) => c.data ?? ""), ...(r.hdr.maxMsgSize ? { maxMsgSize: r.hdr.maxMsgSize } : {}) },
        });
      }
      return res;
    };
    h = await windowsHarness({ maxMsgSize: MAX, password: "S3cret-pw-4-alice", inventoryGets: Array.from({ length: 12 }, (_, i) => `./DevDetail/Ext/Microsoft/Item${i}`) }, wrap);
    const { result } = await h.run("windows-byod", { windows: { upn: "alice@contoso.com", password: "S3cret-pw-4-alice" } }, 0);
    expect(result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
    if (process.env.DBG) console.log(JSON.stringify(seen));
    // The server announces its MaxMsgSize in every SyncHdr.
    expect(seen.every((s) => s.reply.maxMsgSize === String(MAX))).toBe(true);
    // Package 1 goes whole (the device does not know the limit yet); afterwards every message fits.
    expect(seen.slice(1).every((s) => s.size <= MAX)).toBe(true);
    const nonFinal = seen.filter((s) => !s.final);
    expect(nonFinal.length).toBeGreaterThanOrEqual(1);
    // Each non-final message is answered with Status + Alert 1222 and no commands.
    for (const s of nonFinal) {
      expect(s.reply.alerts).toContain("1222");
      expect(s.reply.verbs.filter((v) => v !== "Status" && v !== "Alert")).toEqual([]);
    }
    // MsgIDs increase by one within the session; the message after a non-final one continues the package.
    const session = seen.filter((s) => s.sessionId === seen[0]!.sessionId);
    expect(session.map((s) => Number(s.msgId))).toEqual(session.map((_, i) => i + 1));
    expect(session.at(-1)!.final).toBe(true);
  });
});
