// SPDX-License-Identifier: MIT
/**
 * The two additive knobs of the reference SCEP CA used by Apple field-failure scenarios, on
 * virtual time: `rejectDuplicateSubject` (Debian scepserver without -allowrenew) and
 * `getCaCertFault: ra-without-key-encipherment`, now an alias the scenario resolves to the general RA certificate
 * description `ra: { keyUsage: [digitalSignature] }`. Defaults are unchanged.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import { InMemoryHttp } from "../../../src/platform/virtual/http.js";
import { ReferenceServer } from "../../../src/server/reference-server.js";
import { defaultScepConfig, type ScepServerConfig } from "../../../src/server/scep/config.js";
import { resolveScenario } from "../../../src/runner/scenario/resolve.js";
import type { Scenario } from "../../../src/runner/scenario/types.js";
import { harness, testKeys } from "../../support/scep-harness.js";

const START = Date.UTC(2026, 10, 21, 12);

async function world(scep: Partial<ScepServerConfig>) {
  const clock = new VirtualClock(START);
  const keys = await testKeys();
  const ref = await ReferenceServer.create({ keys: { ca: await keys.rsa(20), ra: await keys.rsa(21) }, now: () => clock.now(), scep });
  const http = new InMemoryHttp({ clock, handler: { "http://ca.test": ref.handler } });
  return { clock, ref, h: (device: string) => harness(http, clock, { url: "http://ca.test/scep" }, device) };
}

describe("reference SCEP CA: Apple fault knobs", () => {
  beforeAll(testKeys);

  it("defaults: both knobs off", () => {
    expect(defaultScepConfig().rejectDuplicateSubject).toBeUndefined();
    expect(defaultScepConfig().ra).toBe(false);
  });

  it("without rejectDuplicateSubject, two devices get certificates for the same subject", async () => {
    const { clock, h } = await world({});
    for (const [i, d] of ["a#0", "b#1"].entries()) {
      const x = h(d);
      const out = await clock.run(x.client.enroll(await x.enrollArgs(undefined, "CN=same,O=enrollsim", i)), 60_000);
      expect(out.status).toBe("issued");
    }
  });

  it("rejectDuplicateSubject: the second PKCSReq for an issued subject gets FAILURE badRequest; another subject still enrolls; a retransmission of the first transaction still gets its certificate", async () => {
    const { clock, ref, h } = await world({ rejectDuplicateSubject: true });
    const first = h("a#0");
    const args = await first.enrollArgs(undefined, "CN=same,O=enrollsim", 0);
    expect((await clock.run(first.client.enroll(args), 60_000)).status).toBe("issued");
    // same key → same transactionID: a retransmission, not a duplicate
    const again = h("a#0");
    expect((await clock.run(again.client.enroll(args), 60_000)).status).toBe("issued");
    const second = h("b#1");
    const out = await clock.run(second.client.enroll(await second.enrollArgs(undefined, "CN=same,O=enrollsim", 1)), 60_000);
    expect(out).toMatchObject({ status: "failure", failInfo: "badRequest" });
    const third = h("c#2");
    expect((await clock.run(third.client.enroll(await third.enrollArgs(undefined, "CN=other,O=enrollsim", 2)), 60_000)).status).toBe("issued");
    expect(ref.scep.log.some((l) => l.includes("duplicate subject"))).toBe(true);
  });

  it("getCaCertFault ra-without-key-encipherment is an alias: the scenario resolves it to an RA with keyUsage digitalSignature only, which GetCACert serves", async () => {
    const scenario = { name: "x", server: "embedded", embedded: { scep: { ra: true, getCaCertFault: "ra-without-key-encipherment" } }, groups: [{ name: "g", model: "iphone-15", count: 1, flow: "ios-profile" }] } as unknown as Scenario;
    const resolved = resolveScenario(scenario, "x.yaml");
    if (resolved.server.kind !== "embedded") throw new Error("embedded expected");
    expect(resolved.server.scep.ra).toEqual({ keyUsage: ["digitalSignature"] });
    expect("getCaCertFault" in resolved.server.scep).toBe(false);
    const { clock, h } = await world({ ra: resolved.server.scep.ra });
    const x = h("a#0");
    const chain = await clock.run(x.client.getCaCert(), 60_000);
    expect(chain.form).toBe("ra");
    expect(chain.encryption).not.toBe(chain.ca);
    expect(chain.encryption.keyUsage).toEqual(["digitalSignature"]);
  });

  it("addChallenge: a registered challenge works until it expires; the configured one is unaffected", async () => {
    const { clock, ref, h } = await world({});
    ref.scep.addChallenge("profile-abc", START + 60_000);
    const a = h("a#0");
    expect((await clock.run(a.client.enroll(await a.enrollArgs("profile-abc", "CN=a,O=enrollsim", 0)), 60_000)).status).toBe("issued");
    await clock.run(clock.sleep(120_000), 200_000);
    const b = h("b#1");
    const late = await clock.run(b.client.enroll(await b.enrollArgs("profile-abc", "CN=b,O=enrollsim", 1)), 60_000);
    expect(late).toMatchObject({ status: "failure", failInfo: "badRequest" });
    expect(ref.scep.log.some((l) => l.includes("challenge password has expired"))).toBe(true);
    const c = h("c#2");
    expect((await clock.run(c.client.enroll(await c.enrollArgs(undefined, "CN=c,O=enrollsim", 2)), 60_000)).status).toBe("issued");
  });
});
