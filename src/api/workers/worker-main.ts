// SPDX-License-Identifier: MIT
/**
 * Body of one `run --workers` worker thread: runs its slice of the fleet (a composed shard) with
 * runScenario against the parent's server, forwards its observer events in batches, and posts its
 * own summary at the end. Signals reach only the parent; it relays stop/abort here.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { HttpResponse } from "../../ports/http.js";
import { RunInterrupted } from "../../runner/interrupt.js";
import type { RunObserver } from "../../runner/observer.js";
import { asSimError } from "../../errors/index.js";
import { runScenario } from "../run-scenario.js";
import { EventBatcher } from "./forward.js";
import { ForwardingPushRegistry } from "./push-bridge.js";
import { usePushRegistry } from "../../ports/push.js";
import type { FromWorker, ToWorker, WorkerData } from "./messages.js";

const port = parentPort;
if (!port) throw new Error("worker-main.ts runs as a worker thread of run --workers");
const data = workerData as WorkerData;
const post = (m: FromWorker) => port.postMessage(m);

// The run's mock APNs is the parent's: this thread's Apple devices register and wait there.
const pushes = new ForwardingPushRegistry((op) => post({ type: "push", op }));
usePushRegistry(pushes);

const stop = new AbortController();
const abort = new AbortController();
const pending = new Map<number, { resolve: (r: HttpResponse) => void; reject: (e: Error) => void }>();
let nextId = 0;
port.on("message", (m: ToWorker) => {
  if (m.type === "stop") stop.abort(new RunInterrupted(m.signal));
  else if (m.type === "abort") abort.abort(new RunInterrupted(m.signal));
  else if (m.type === "push-wake") pushes.woken(m.id);
  else if (m.type === "scep-failure") {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.response) p?.resolve(m.response);
    else p?.reject(new Error(m.error ?? "no answer"));
  }
});

const batcher = new EventBatcher((events) => post({ type: "events", events }));
const observers: RunObserver[] = [batcher];
if (data.crashAfter !== undefined) {
  // test-only: ENROLLSIM_TEST_CRASH_WORKER (api/workers/run-workers.ts) makes this worker die the
  // way a bug escaping every handler would (an uncaught exception), so the parent's crash
  // accounting is tested end to end; nothing sets crashAfter outside that variable.
  let ended = 0;
  observers.push({
    onDeviceEnd: () => {
      if (++ended !== data.crashAfter) return;
      batcher.flush();
      // The count that triggered the crash: more devices may end in this turn before the throw runs.
      const after = ended;
      setImmediate(() => {
        throw new Error(`test-only crash of worker ${data.index} after ${after} device(s) (ENROLLSIM_TEST_CRASH_WORKER)`);
      });
    },
  });
}

try {
  const { summary, transcripts } = await runScenario(data.scenarioFile, {
    ...data.options,
    part: {
      ...data.part,
      scepFailure: (req, failInfo) =>
        new Promise<HttpResponse>((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          post({ type: "scep-failure", id, req: { method: req.method, url: req.url, ...(req.headers ? { headers: req.headers } : {}), ...(req.body ? { body: req.body } : {}) }, failInfo });
        }),
    },
    signal: abort.signal,
    stopArrivals: stop.signal,
    capacity: false,
    progress: false,
    observers,
    onWarning: (text) => post({ type: "warning", text }),
  });
  batcher.close();
  post({ type: "done", summary, ...(transcripts ? { transcripts } : {}) });
  port.close(); // nothing more to hear: let the thread end once its handles are closed
} catch (err) {
  batcher.close();
  const e = asSimError(err);
  post({ type: "failed", error: { name: e.name, code: e.code, blame: e.blame, message: e.message } });
  port.close();
}
