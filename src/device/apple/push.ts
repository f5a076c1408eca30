// SPDX-License-Identifier: MIT
/**
 * How a simulated Apple device waits for a push: on the in-process registry (ports/push.ts) that the
 * embedded mock APNs delivers into, or the poll interval on its Clock, whichever comes first.
 *
 * A push reaches only a device that holds its persistent connection to APNs: TCP 5223 to
 * courier.push.apple.com, falling back to 443 when 5223 is unreachable (Apple, "If your Apple devices
 * aren't receiving Apple push notifications" https://support.apple.com/102266 : "TCP port 5223 to
 * communicate with APNs", "443 ... used as a fallback on Wi-Fi only, if devices can't reach APNs on port
 * 5223"). The connection is a network endpoint of the device like any other: each attempt is one request
 * through the device's http port (step push.connect) to the embedded server's courier stand-in
 * (`/apple/apns/courier?host=…&port=…`), so `faults:` (step or url selectors), a timeline `offline` and
 * `endpointDown` reach it. Without a connection the device is not reachable: pushes stay pending (APNs keeps
 * the newest) and it acts only when its poll timer fires, reconnecting then.
 */
import { pushRegistry, type PushRegistry } from "../../ports/push.js";
import { TransportError } from "../../errors/index.js";
import { exchange } from "../../protocol/common/exchange.js";
import { decoded, step, type ProtocolContext } from "../../protocol/common/context.js";

export { pushRegistry, PushRegistry, type PushCounts, type PushNote, type PushOutcome } from "../../ports/push.js";

export const tokenHex = (t: Uint8Array): string => Array.from(t, (b) => b.toString(16).padStart(2, "0")).join("");

/** Waits for a push or the poll interval on the device's Clock, whichever comes first. */
export async function waitPushOrPoll(
  clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> },
  token: Uint8Array,
  pollMs: number,
  signal?: AbortSignal,
  registry: PushRegistry = pushRegistry,
  /** False: no APNs connection, no push can arrive; only the poll timer wakes the device. */
  reachable = true,
): Promise<"push" | "poll"> {
  if (!reachable) {
    await clock.sleep(pollMs, signal);
    return "poll";
  }
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

export const APNS_HOST = "courier.push.apple.com";
/** The ports a device tries, in order (support.apple.com/102266). */
export const APNS_PORTS = [5223, 443] as const;
export const APNS_STEP = "push.connect";

/** The device's persistent APNs connection, (re)opened before it waits for a push. */
export class ApnsLink {
  connected = false;
  attempts = 0;
  constructor(
    private readonly ctx: ProtocolContext,
    /** The embedded server's base URL (its courier stand-in); undefined: no mock APNs in this run, nothing to connect to. */
    private readonly base: string | undefined,
    private readonly online: () => boolean = () => true,
  ) {}

  /** Connected now? Tries 5223 then 443 when not; every attempt is a push.connect sample. */
  async ensure(): Promise<boolean> {
    if (!this.base) return true; // a server under test: the run has no mock APNs to reach
    if (this.connected && this.online()) return true;
    this.connected = false;
    for (const port of APNS_PORTS) {
      this.attempts++;
      try {
        await step(this.ctx, APNS_STEP, async () => {
          await exchange(this.ctx, APNS_STEP, { method: "GET", url: `${this.base}/apple/apns/courier?host=${APNS_HOST}&port=${port}` });
          decoded(this.ctx, APNS_STEP, { host: APNS_HOST, port, connected: true });
        });
        this.connected = true;
        return true;
      } catch (e) {
        if (!(e instanceof TransportError) || this.ctx.signal?.aborted) throw e;
        decoded(this.ctx, APNS_STEP, { host: APNS_HOST, port, connected: false, error: e.message, next: port === 5223 ? "fallback to 443" : "no push channel until the next poll" });
      }
    }
    return false;
  }
}
