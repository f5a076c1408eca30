// SPDX-License-Identifier: MIT
/** A minimal APNs provider client for tests: one POST over a fresh HTTP/2 connection. */
import * as http2 from "node:http2";

export async function apnsPost(base: string, token: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
  const client = http2.connect(base);
  try {
    return await new Promise((resolve, reject) => {
      const req = client.request({ ":method": "POST", ":path": `/3/device/${token}`, ...headers });
      let status = 0;
      let h: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      req.on("response", (r) => {
        status = Number(r[":status"]);
        h = r;
      });
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve({ status, headers: h, body: Buffer.concat(chunks).toString("utf8") }));
      req.on("error", reject);
      req.end(body);
    });
  } finally {
    client.close();
  }
}
