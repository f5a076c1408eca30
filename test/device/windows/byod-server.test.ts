// SPDX-License-Identifier: MIT
/**
 * Issue 12 #6: `enroll windows-byod --server URL` must reach the given server through the
 * device's in-process resolver, never the system resolver; the default UPN domain is a reserved
 * test domain; the system resolver is an explicit option.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLOWS } from "../../../src/device/flows/index.js";
import { resolveWindowsOptions } from "../../../src/device/windows/options.js";
import type { WindowsFlowResult } from "../../../src/device/windows/enrollment.js";
import type { DnsPort } from "../../../src/ports/dns.js";
import { windowsHarness, type WinHarness } from "./harness.js";

let h: WinHarness;
beforeAll(async () => {
  h = await windowsHarness();
});
afterAll(() => h.close());

/** A system resolver that records every query (a query here is a query that leaves the run). */
function spyDns(): { port: DnsPort; queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    port: {
      resolveCname: async (n) => (queries.push(`CNAME ${n}`), []),
      resolve4: async (n) => (queries.push(`A ${n}`), []),
    },
  };
}

/** The device as `enroll --server URL` builds it: the server is not embedded; only its URLs are known. */
async function runAgainstServer(options: unknown, index: number, dns: DnsPort): Promise<WindowsFlowResult> {
  const { ctx } = h.context(index);
  ctx.ports.dns = dns;
  ctx.targets = { scepUrl: h.server.scepUrl, server: { https: h.server.urls.https, embedded: false } };
  return (await h.clock.run(FLOWS["windows-byod"]!.run(ctx, options as never), 3_600_000)) as WindowsFlowResult;
}

describe("windows-byod with --server (issue 12 #6)", () => {
  it("the default UPN domain is a reserved test domain", () => {
    for (const kind of ["byod", "bulk", "gpo"] as const) {
      const domain = resolveWindowsOptions({}, kind).upn.split("@")[1]!;
      expect(domain.endsWith(".test") || domain === "example.com" || domain.endsWith(".example.com")).toBe(true);
    }
  });

  it("derives discovery from --server through the in-process resolver; the system resolver is never asked", async () => {
    const spy = spyDns();
    const r = await runAgainstServer({ windows: {} }, 0, spy.port);
    expect(spy.queries).toEqual([]);
    expect(r).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
    expect(r.windows.discovery!.url).toBe(`${h.server.urls.https}/EnrollmentServer/Discovery.svc`);
    expect(r.windows.discovery!.cnameChain[0]).toMatch(/^enterpriseenrollment\./);
  });

  it("uses the system resolver only when the scenario asks for it (dns: system)", async () => {
    const spy = spyDns();
    const r = await runAgainstServer({ windows: { upn: "zoe@enrollsim.test", dns: "system" } }, 1, spy.port);
    expect(spy.queries).toContain("CNAME enterpriseenrollment.enrollsim.test");
    expect(r).toMatchObject({ ok: false, code: "windows.discovery.no-enrollment-host" });
  });

  it("without a server and without dns: system, names what is missing instead of querying public DNS", async () => {
    const spy = spyDns();
    const { ctx } = h.context(2);
    ctx.ports.dns = spy.port;
    ctx.targets = {};
    const err = await h.clock.run(FLOWS["windows-byod"]!.run(ctx, { windows: {} } as never), 3_600_000).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/dns: system|--server/);
    expect(spy.queries).toEqual([]);
  });
});
