// SPDX-License-Identifier: MIT
// The embedded reference server in its own process, so simulator and server CPU are measured
// separately (process.cpuUsage of each). Talks to the parent over IPC:
//   -> {url, https, caPem}   once listening
//   <- "cpu"  -> {cpu: process.cpuUsage()}
//   <- "stats" -> {cpu, mem: process.memoryUsage(), sockets: open TCP/TLS handles}
//   <- "stop" -> exits
// It also exits when the IPC channel closes (the parent died or was killed: a crash of the
// benchmark must not leave a server child holding a port and a core).
// SERVER_HEAP_SNAPSHOT=FILE: write a V8 heap snapshot of the server to FILE when stopped (what it
// keeps per enrolled device; open it in Chrome DevTools' Memory tab).
import { ReferenceServer } from "../dist/server/reference-server.js";

const platforms = JSON.parse(process.argv[2] ?? "{}");
const challenge = process.argv[3] ?? "bench-challenge";
const server = await ReferenceServer.start({ scep: { challenge }, platforms });
process.send({ url: server.urls.http, https: server.urls.https, scepUrl: server.scepUrl, caPem: server.caPem });
process.on("disconnect", () => {
  // The parent is gone: nobody will ever send "stop". Close (bounded) and exit.
  setTimeout(() => process.exit(1), 2000).unref();
  void server.close().finally(() => process.exit(1));
});
process.on("message", async (m) => {
  if (m === "cpu") process.send({ cpu: process.cpuUsage() });
  if (m === "stats") {
    const sockets = process.getActiveResourcesInfo().filter((x) => x === "TCPSocketWrap" || x === "TLSWrap" || x === "TCPWRAP").length;
    process.send({ cpu: process.cpuUsage(), mem: process.memoryUsage(), sockets });
  }
  if (m === "stop") {
    await server.close();
    if (process.env.SERVER_HEAP_SNAPSHOT) (await import("node:v8")).writeHeapSnapshot(process.env.SERVER_HEAP_SNAPSHOT);
    process.exit(0);
  }
});
