// SPDX-License-Identifier: MIT
/**
 * Leftovers of an earlier management (state.mmpcEnrollmentFlag) over real loopback sockets, with the shipped
 * pair win-mmpc-enrollment-flag-{failing,fixed}.yaml: the migrated PCs' Discover POST carries no body and the
 * reference server refuses it with HTTP 400, the PC showing 0x80190190 (fleetdm/fleet#34993); the clean PCs of
 * the same run enroll; resetting the flag (timeline set) and trying again enrolls them.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { traceLines } from "../support/trace-lines.js";

const opts = { keyPoolSize: 24, progress: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
type Post = { device: string; bytes: number; status: number };
const discoverPosts = (dir: string): Post[] =>
  traceLines(dir)
    .filter((l) => l.kind === "http" && l.step === "discovery.post")
    .map((l) => {
      const d = l.data as { request: { bytes: number }; response: { status: number } };
      return { device: l.device, bytes: d.request.bytes, status: d.response.status };
    });

describe("win-mmpc-enrollment-flag", () => {
  it("failing: the 3 migrated PCs post Discover without a body and get HTTP 400 (0x80190190); the 2 clean PCs enroll", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-mmpc-")), "trace");
    const { summary } = await runScenario(file("win-mmpc-enrollment-flag-failing"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 5, enrolled: 2, failed: 3, ok: true });
    expect(summary.errors["transport.http-status"]).toMatchObject({ count: 3, step: "discovery.post" });
    const posts = discoverPosts(dir);
    expect(posts.filter((p) => p.bytes === 0 && p.status === 400)).toHaveLength(3);
    expect(posts.filter((p) => p.bytes > 0 && p.status === 200)).toHaveLength(2);
    const shown = traceLines(dir).filter((l) => l.kind === "outcome" && l.step === "discovery.post");
    expect(shown).toHaveLength(3);
    for (const o of shown) expect(o.data).toMatchObject({ code: "transport.http-status", shown: { code: "0x80190190" } });
  }, 60_000);

  it("fixed: the flag reset to 0 on the failed PCs and Try Again: their second Discover carries the envelope and all 5 enroll", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "enrollsim-mmpc-")), "trace");
    const { summary } = await runScenario(file("win-mmpc-enrollment-flag-fixed"), { ...opts, trace: dir });
    expect(summary).toMatchObject({ devices: 5, enrolled: 5, failed: 0, ok: true });
    const posts = discoverPosts(dir);
    const refused = posts.filter((p) => p.bytes === 0);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(posts.filter((p) => p.device === r.device).map((p) => p.status)).toEqual([400, 200]);
  }, 60_000);
});
