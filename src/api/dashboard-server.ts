// SPDX-License-Identifier: MIT
/**
 * The live dashboard (`run --dashboard [PORT]`): an HTTP server on 127.0.0.1 only that serves the
 * report page in live mode, and a WebSocket (`ws`) at /ws that feeds it. A viewer gets everything
 * so far when it connects (`hello`), then one `tick` a second, then the `final` report model when
 * the run is over, so the page keeps the final state after the process exits; while the server is
 * still up, the HTML report (`--html`) is served at /report.html. Any number of viewers.
 * Requests whose Host is not this loopback address (DNS rebinding) and WebSocket upgrades from
 * another origin (a web page the user has open elsewhere) are refused. `close()` ends the timer,
 * every socket and the listener; nothing outlives it.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { ScenarioError } from "../errors/index.js";
import type { RunObserver } from "../runner/observer.js";
import { LiveCollector, type DashboardMessage } from "../report/dashboard/live.js";
import { scheduleOf, type Schedule } from "../report/dashboard/schedule.js";
import type { LoadModel } from "../runner/fleet.js";
import { shardArrival, shardDevices, type ShardSpec } from "../runner/shard.js";
import type { ResolvedScenario } from "../runner/scenario/types.js";
import { dashboardHtml } from "../report/html/files.js";
import type { ReportModel } from "../report/html/model.js";

export interface DashboardOptions {
  /** TCP port on 127.0.0.1 (0: any free port). */
  port: number;
  title?: string;
  /** The run's load schedule once known (for phase, target rate and ETA). */
  schedule?: () => Schedule | undefined;
  /** Wall clock, epoch ms (tests may pass their own). */
  now?: () => number;
  /** Milliseconds between ticks (default 1000). */
  tickMs?: number;
}

export interface Dashboard {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** Feed it the run's events (add it to the run's observers). */
  observer: RunObserver;
  /** Sends the final state to every viewer (and to later ones); `report` is the HTML report, served at /report.html. */
  finish(model: ReportModel, report?: { path: string; html: string }): void;
  /** Viewers connected now. */
  viewers(): number;
  close(): Promise<void>;
}

const WS_PATH = "/ws";

/** The load schedule of a run (for {@link DashboardOptions.schedule}), from what `runScenario` tells `onScenario`. */
export function scheduleFor(s: ResolvedScenario, load: LoadModel | undefined, shard: ShardSpec | undefined): Schedule {
  return scheduleOf(shardArrival(s.arrival, shard), load, shardDevices(s, shard), shard?.count ?? 1);
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const collector = new LiveCollector(o.now ?? Date.now, o.schedule);
  const page = dashboardHtml(o.title ?? "enrollsim dashboard", WS_PATH);
  let final: DashboardMessage | undefined;
  let reportHtml: string | undefined;
  let port = o.port;
  const hostOk = (req: IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (!hostOk(req)) return void res.writeHead(421, { "content-type": "text/plain" }).end("this dashboard answers to 127.0.0.1 only\n");
    if (req.method !== "GET") return void res.writeHead(405, { allow: "GET" }).end();
    const headers = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
    if (path === "/") return void res.writeHead(200, headers).end(page);
    if (path === "/report.html" && reportHtml !== undefined) return void res.writeHead(200, headers).end(reportHtml);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found; the dashboard is at /\n");
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  server.on("upgrade", (req, socket, head) => {
    const origin = req.headers.origin;
    const sameOrigin = origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if ((req.url ?? "").split("?")[0] !== WS_PATH || !hostOk(req) || !sameOrigin) {
      socket.end("HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
  const send = (ws: WebSocket, m: DashboardMessage | string) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(typeof m === "string" ? m : JSON.stringify(m));
  };
  const broadcast = (m: DashboardMessage) => {
    const text = JSON.stringify(m);
    for (const ws of wss.clients) send(ws, text);
  };
  wss.on("connection", (ws) => {
    ws.on("error", () => ws.terminate());
    ws.on("message", () => {}); // viewers have nothing to say; maxPayload bounds what they can send
    send(ws, final ?? { type: "hello", model: collector.model(), status: collector.status() });
  });

  let timer: NodeJS.Timeout | undefined;
  const tick = () => broadcast(collector.tick());
  const observer: RunObserver = {
    onRunStart: (i) => {
      collector.onRunStart(i);
      timer ??= setInterval(tick, o.tickMs ?? 1000);
    },
    onDeviceStart: (d, i) => collector.onDeviceStart(d, i),
    onStep: (s) => collector.onStep(s),
    onDeviceEnd: (r) => collector.onDeviceEnd(r),
    onCheckin: (x) => collector.onCheckin(x),
    onCommand: (x) => collector.onCommand(x),
    onRunEnd: (i) => {
      collector.onRunEnd(i);
      if (timer) clearInterval(timer);
      timer = undefined;
      tick(); // the last partial second
    },
  };

  await new Promise<void>((resolve, reject) => {
    // The port is the command line's choice: in use or forbidden is the user's to change (exit 2).
    const failed = (err: NodeJS.ErrnoException) => reject(new ScenarioError(`--dashboard ${o.port}: cannot listen on 127.0.0.1:${o.port} (${err.code ?? err.message})`));
    server.once("error", failed);
    server.listen(o.port, "127.0.0.1", () => {
      server.off("error", failed);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    observer,
    finish(model, report) {
      if (timer) clearInterval(timer);
      timer = undefined;
      reportHtml = report?.html;
      final = { type: "final", model, status: { ...collector.status(), phase: "finished", etaS: 0 }, ...(report ? { report } : {}) };
      broadcast(final);
    },
    viewers: () => wss.clients.size,
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const ws of wss.clients) ws.close(1001, "the run is over");
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 1000);
        wss.close(() => {
          clearTimeout(t);
          resolve();
        });
      });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
