// SPDX-License-Identifier: MIT
/**
 * How a simulated Apple device waits for a push: on the in-process registry (ports/push.ts) that the
 * embedded mock APNs delivers into, or the poll interval on its Clock, whichever comes first.
 */
import { pushRegistry, type PushRegistry } from "../../ports/push.js";

export { pushRegistry, PushRegistry, type PushCounts, type PushNote, type PushOutcome } from "../../ports/push.js";

export const tokenHex = (t: Uint8Array): string => Array.from(t, (b) => b.toString(16).padStart(2, "0")).join("");

/** Waits for a push or the poll interval on the device's Clock, whichever comes first. */
export async function waitPushOrPoll(
  clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> },
  token: Uint8Array,
  pollMs: number,
  signal?: AbortSignal,
  registry: PushRegistry = pushRegistry,
): Promise<"push" | "poll"> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  let pushed = false;
  const cancel = registry.wait(tokenHex(token), clock.now(), () => {
    pushed = true;
    ac.abort(new Error("push"));
  });
  try {
    await clock.sleep(pollMs, ac.signal);
  } catch (e) {
    if (!pushed) throw e;
  } finally {
    cancel();
    signal?.removeEventListener("abort", onAbort);
  }
  return pushed ? "push" : "poll";
}
