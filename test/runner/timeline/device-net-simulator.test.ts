// SPDX-License-Identifier: MIT
/** The timeline's device network blocks the device's requests, never the simulator's own fetches (HttpClientOptions.simulatorOnly). */
import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/errors/index.js";
import type { HttpClientOptions, HttpPort, HttpRequest } from "../../../src/ports/http.js";
import { wrapHttp } from "../../../src/runner/timeline/device-net.js";

const answered: HttpRequest[] = [];
const port: HttpPort = {
  client: (_o?: HttpClientOptions) => ({
    request: async (req) => (answered.push(req), { status: 200, headers: {}, body: new Uint8Array() }),
    close: async () => {},
  }),
};
const offline = wrapHttp(port, { blocked: () => ({ detail: "dns.timeout", reason: "device offline (timeline[0])" }) });

describe("device network and simulator-only fetches", () => {
  it("an offline device's own request fails as without network; the simulator's QR-payload fetch goes through", async () => {
    const req: HttpRequest = { method: "GET", url: "https://127.0.0.1/android/provisioning/p/qr.json" };
    await expect(offline.client({}).request(req)).rejects.toBeInstanceOf(TransportError);
    expect(answered).toHaveLength(0);
    const res = await offline.client({ simulatorOnly: "the QR code's payload" }).request(req);
    expect(res.status).toBe(200);
    expect(answered).toHaveLength(1);
  });
});
