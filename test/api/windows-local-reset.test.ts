// SPDX-License-Identifier: MIT
/**
 * The policies a PC keeps and the local Autopilot Reset they gate, over loopback against the embedded server on the
 * scenario clock (timeline `skip`): without CredentialProviders/DisableAutomaticReDeploymentCredentials = 0 the
 * lock-screen reset shows nothing; with it in the profile the PCs reset and stay enrolled.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import type { TranscriptEvent } from "../../src/ports/transcript.js";

const root = join(import.meta.dirname, "../../scenarios/failures");
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
type Codes = { checkins?: { codes?: Record<string, number>; failed?: number } };
/** What each PC recorded when it performed the lock-screen reset. */
const localResets = (events: TranscriptEvent[]) => events.filter((e) => e.step === "autopilot-reset.local").map((e) => e.data as { promptShown: boolean; shown?: string; reset?: string });

describe("local Autopilot Reset gated by the policy the PC keeps", () => {
  it("failing: the profile lacks the policy, both PCs show nothing at CTRL + Windows key + R", async () => {
    const events: TranscriptEvent[] = [];
    const { summary } = await runScenario(join(root, "win-local-autopilot-reset-policy-off-failing.yaml"), { ...opts, transcript: { record: (e) => events.push(e) } });
    expect(localResets(events)).toEqual([0, 1].map(() => expect.objectContaining({ promptShown: false, shown: expect.stringMatching(/shows nothing.*not set, default 1/) })));
    expect((summary as unknown as Codes).checkins?.codes).toEqual({ "windows.autopilot-reset.local-refused": 2 });
    expect(summary.expectations?.filter((e) => !e.ok).map((e) => e.name)).toEqual([expect.stringMatching(/check-ins failed/)]);
  }, 240_000);

  it("fixed: the profile sets it to 0 during enrollment, the PCs keep it and reset, staying enrolled", async () => {
    const events: TranscriptEvent[] = [];
    const { summary } = await runScenario(join(root, "win-local-autopilot-reset-policy-off-fixed.yaml"), { ...opts, transcript: { record: (e) => events.push(e) } });
    expect(localResets(events)).toEqual([0, 1].map(() => expect.objectContaining({ promptShown: true, reset: expect.stringContaining("MDM enrollment") })));
    expect((summary as unknown as Codes).checkins).toMatchObject({ total: 2, failed: 0 });
    expect(summary.expectations?.filter((e) => !e.ok)).toEqual([]);
  }, 240_000);
});
