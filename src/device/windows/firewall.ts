// SPDX-License-Identifier: MIT
/** A site proxy/firewall in front of the device: refused URLs fail as a refused connection. */
import { TransportError } from "../../errors/index.js";
import type { HttpClient } from "../../ports/http.js";

export function blockedBy(url: string, rules: readonly string[]): string | undefined {
  let path = "";
  try {
    path = new URL(url).pathname.toLowerCase();
  } catch {
    return undefined;
  }
  const u = url.toLowerCase();
  return rules.find((r) => (r.startsWith("/") ? path.startsWith(r.toLowerCase()) : u.startsWith(r.toLowerCase())));
}

export function firewalled(inner: HttpClient, rules: readonly string[]): HttpClient {
  return {
    async request(req) {
      const rule = blockedBy(req.url, rules);
      if (rule) throw new TransportError("refused", `the proxy refused ${new URL(req.url).origin}${new URL(req.url).pathname} (rule "${rule}")`);
      return inner.request(req);
    },
    close: () => inner.close(),
  };
}
