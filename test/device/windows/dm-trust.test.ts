// SPDX-License-Identifier: MIT
/**
 * The OMA-DM client trusts the machine store (the device's trust settings, e.g. `--ca`) plus the Root
 * certificates of the provisioning document, as Windows does: a server whose TLS certificate is not
 * from its enrollment CA (oscartbeaumont/windows_mdm, AzureBabyMDM; docs/interop.md) is reachable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpClientOptions, HttpPort } from "../../../src/ports/http.js";
import { FLOWS } from "../../../src/device/flows/index.js";
import type { WindowsFlowResult } from "../../../src/device/windows/enrollment.js";
import { windowsHarness, type WinHarness } from "./harness.js";

describe("Windows OMA-DM trust store", () => {
  let h: WinHarness;
  beforeAll(async () => {
    h = await windowsHarness();
  });
  afterAll(() => h.close());

  it("keeps the device's extra roots next to the provisioned Root for the mTLS client", async () => {
    const { ctx } = h.context(3);
    const machineRoot = h.server.caPem;
    ctx.tls = { ca: [machineRoot] };
    const seen: HttpClientOptions[] = [];
    const inner: HttpPort = ctx.ports.http;
    ctx.ports = { ...ctx.ports, http: { client: (o?: HttpClientOptions) => (seen.push(o ?? {}), inner.client(o)) } };
    const result = (await h.clock.run(FLOWS["windows-byod"]!.run(ctx, { windows: {} } as never), 3_600_000)) as WindowsFlowResult;
    expect(result).toMatchObject({ ok: true, code: "windows.byod.enrolled" });
    const mtls = seen.filter((o) => o.tls?.identity);
    expect(mtls.length).toBeGreaterThan(0);
    for (const o of mtls) {
      expect(o.tls!.ca![0]).toBe(machineRoot);
      expect(o.tls!.ca!.length).toBeGreaterThan(1); // + the provisioning document's Root
    }
  });
});
