// SPDX-License-Identifier: MIT
/**
 * The embedded server binds its renegotiating listener (where the `tls: client-cert-mid-connection` fault sends a
 * request) only when asked to, that is when a scenario's faults use that action (api/embedded-server.ts), and closes it
 * on close. Its TLS listeners are counted from the process's own handles (listening tls.Server objects), not from the URLs
 * the server reports: the HTTPS listener, plus the renegotiating one only when asked for.
 */
import { connect } from "node:net";
import { Server as TlsServer } from "node:tls";
import { describe, expect, it } from "vitest";
import { ReferenceServer, usesMidConnection } from "../../src/server/reference-server.js";

/** Listening TLS servers of this process (the embedded server's HTTPS listeners; its HTTP one and the APNs mock are not TLS). */
const listening = (): number => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().filter((h) => h instanceof TlsServer && h.listening).length;

/** Whether a TCP connection to the URL's port is accepted. */
const accepts = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const u = new URL(url);
    const s = connect({ host: u.hostname, port: Number(u.port) });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

describe("the renegotiating listener", () => {
  it("is not bound by a server whose scenario has no mid-connection fault: one TLS port, the HTTPS listener", async () => {
    const before = listening();
    const server = await ReferenceServer.start();
    try {
      expect(listening() - before).toBe(1);
      expect(server.urls.midConnection).toBeUndefined();
    } finally {
      await server.close();
    }
    expect(listening()).toBe(before);
  }, 60_000);

  it("is bound when asked for, and closed with the server", async () => {
    const before = listening();
    const server = await ReferenceServer.start({ midConnection: true });
    const url = server.urls.midConnection!;
    try {
      expect(listening() - before).toBe(2);
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await accepts(url)).toBe(true);
    } finally {
      await server.close();
    }
    expect(listening()).toBe(before);
    expect(await accepts(url)).toBe(false);
  }, 60_000);

  it("is asked for exactly when a fault uses tls: client-cert-mid-connection", () => {
    expect(usesMidConnection(undefined)).toBe(false);
    expect(usesMidConnection([{ tls: "untrusted" }, {}])).toBe(false);
    expect(usesMidConnection([{}, { tls: "client-cert-mid-connection" }])).toBe(true);
  });
});
