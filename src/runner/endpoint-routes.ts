// SPDX-License-Identifier: MIT
/**
 * Endpoints with a chain of their own (`embedded.tls.endpoints`): another host of the service (a federation
 * STS, a download host) is played by a listener of the embedded server with its own certificate chain. A
 * device's HTTPS request to the server for a path under an endpoint's prefix is connected to that listener,
 * whatever URL the device built it from (a discovery URL it derives itself, a URL in an answer), the way a
 * host name resolves to its own server. Under the network and the faults: they see the URL the device asked for.
 */
import type { FlowTargets } from "../device/flow.js";
import type { HttpClient, HttpClientOptions, HttpPort } from "../ports/http.js";

/** `inner` whose requests to the server's HTTPS origin under an endpoint's prefix go to that endpoint's listener. */
export function withEndpointRoutes(inner: HttpPort, server: FlowTargets["server"]): HttpPort {
  const endpoints = server?.embedded ? (server.endpoints ?? []) : [];
  const origin = server?.https ? new URL(server.https).origin : undefined;
  if (!origin || endpoints.length === 0) return inner;
  const route = (url: string): string | undefined => {
    if (!url.startsWith(origin)) return undefined;
    const u = new URL(url);
    if (u.origin !== origin) return undefined;
    const e = endpoints.find((x) => u.pathname.startsWith(x.path));
    return e ? `${e.base}${u.pathname}${u.search}` : undefined;
  };
  return {
    client: (o?: HttpClientOptions): HttpClient => {
      const c = inner.client(o);
      return {
        request: async (req) => {
          const to = route(req.url);
          if (!to) return c.request(req);
          const res = await c.request({ ...req, url: to });
          return { ...res, url: req.url };
        },
        close: () => c.close(),
      };
    },
  };
}
