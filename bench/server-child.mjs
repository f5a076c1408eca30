// SPDX-License-Identifier: MIT
// The embedded reference server in its own process, so simulator and server CPU are measured
// separately (process.cpuUsage of each). Talks to the parent over IPC:
//   -> {url, https, caPem}   once listening
//   <- "cpu"  -> {cpu: process.cpuUsage()}
//   <- "stats" -> {cpu, mem: process.memoryUsage(), sockets: open TCP/TLS handles}
//   <- "stop" -> exits
import { ReferenceServer } from "../dist/server/reference-server.js";

const platforms = JSON.parse(process.argv[2] ?? "{}");
const challenge = process.argv[3] ?? "bench-challenge";
const server = await ReferenceServer.start({ scep: { challenge }, platforms });
process.send({ url: server.urls.http, https: server.urls.https, scepUrl: server.scepUrl, caPem: server.caPem });
process.on("message", async (m) => {
  if (m === "cpu") process.send({ cpu: process.cpuUsage() });
  if (m === "stats") {
    const sockets = process.getActiveResourcesInfo().filter((x) => x === "TCPSocketWrap" || x === "TLSWrap" || x === "TCPWRAP").length;
    process.send({ cpu: process.cpuUsage(), mem: process.memoryUsage(), sockets });
  }
  if (m === "stop") {
    await server.close();
    process.exit(0);
  }
});
