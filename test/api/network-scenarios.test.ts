// SPDX-License-Identifier: MIT
/**
 * Networks end to end over loopback: the internet responder answers the platforms' connectivity checks
 * through the real Node HTTP adapter (Host header, no real internet), and the shipped network scenarios
 * run against the embedded server: the failing variants fail where and how their comments say, the
 * fixed variants enrol every device.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { NodeHttp } from "../../src/platform/node/http.js";
import { RealClock } from "../../src/platform/node/clock.js";
import type { ProtocolContext } from "../../src/protocol/common/context.js";
import { probeConnectivity } from "../../src/protocol/common/connectivity.js";
import { FleetNetworks } from "../../src/runner/network/fleet.js";
import { networkHttp } from "../../src/runner/network/ports.js";
import { startInternetResponder } from "../../src/server/internet.js";
import type { BoundServer } from "../../src/server/http.js";

const file = (p: string) => join(import.meta.dirname, "../../scenarios", p);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

describe("the internet responder over loopback", () => {
  let responder: BoundServer;
  beforeAll(async () => void (responder = await startInternetResponder()));
  afterAll(async () => responder.close());

  const ctxOn = (networks: FleetNetworks): ProtocolContext => {
    const clock = new RealClock();
    const http = networkHttp(new NodeHttp({ clock }), networks, { index: 0, id: "d#0", group: "g" }, { clock, transcript: { record() {} }, step: () => undefined, responder: responder.url }).client({ keepAlive: false });
    return { device: "d#0", clock, http, transcript: { record() {} }, timeoutMs: 5000, maxResponseBytes: 1 << 20, log: {} } as unknown as ProtocolContext;
  };
  const on = (spec: object) => ctxOn(new FleetNetworks({ networks: { n: spec }, groupNetwork: { g: "n" }, serverOrigins: [] }));

  it("answers each platform's check as the real hosts do, so an open network validates", async () => {
    const ctx = on({});
    for (const p of ["android", "windows", "macos"]) expect(await probeConnectivity(ctx, p)).toMatchObject({ state: "validated" });
  });

  it("behind a portal that serves its page in place, the page comes from the responder and no platform takes it for success", async () => {
    const ctx = on({ captivePortal: { status: 200, signIn: "http://portal.example.test/login" } });
    for (const p of ["android", "windows", "ios"]) expect(await probeConnectivity(ctx, p)).toMatchObject({ state: "portal", status: 200 });
  });
});

describe("shipped network scenarios", () => {
  it("Android QR on Wi-Fi without internet waits at network.probe for an hour; the office group enrolls", async () => {
    const { summary } = await runScenario(file("examples/android-qr-closed-network-failing.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "runner.deadline": 3, "android.enrolled": 2 });
    expect(summary.errors["runner.deadline"]).toMatchObject({ step: "network.probe" });
    expect(summary.steps["android.provision.download"]?.count).toBe(2);
    // Every probe of the warehouse devices failed (each waits out its 10 s DNS timeout), and each device probed again after the backoff.
    expect(summary.steps["network.probe"]!.failed).toBeGreaterThanOrEqual(3 * 2);
    expect(summary.steps["network.probe"]!.count - summary.steps["network.probe"]!.failed).toBe(2);
  }, 120_000);

  it("the same QR with a PAC URL on the local web server validates the network: all enroll", async () => {
    const { summary } = await runScenario(file("examples/android-qr-closed-network-fixed.yaml"), opts);
    expect(summary).toMatchObject({ ok: true, devices: 5, enrolled: 5 });
    expect(summary.steps["network.probe"]).toMatchObject({ count: 5, failed: 0 });
  }, 120_000);

  it("a firewall that rejects iprofiles.apple.com stops ADE at the cloud configuration with NSURLErrorDomain -1004; the open network's iPads enroll", async () => {
    const { summary } = await runScenario(file("failures/apple-ade-firewall-blocks-apple-hosts.yaml"), opts);
    expect(summary.ok).toBe(true);
    expect(summary.outcomes).toEqual({ "transport.refused": 2, "apple.ade.enrolled": 2 });
    expect(summary.errors["transport.refused"]).toMatchObject({ step: "ade.cloudconfig", shown: { code: "NSURLErrorDomain -1004" } });
    expect(summary.errors["transport.refused"]!.example).toMatch(/firewall of network "classroom-wifi" blocks iprofiles\.apple\.com/);
  }, 120_000);

  it("Autopilot behind a captive portal: the NCSI check sees the portal and the sign-in fails; after portalSignIn and Try Again all provision", async () => {
    const failing = (await runScenario(file("examples/win-autopilot-captive-portal-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.outcomes).toEqual({ "windows.oobe.idp-blocked": 3, "windows.autopilot.user-driven.provisioned": 2 });
    expect(failing.errors["windows.oobe.idp-blocked"]!.example).toMatch(/TLS failure \(ERR_TLS_CERT_ALTNAME_INVALID\).*captive portal of network "dealership-wifi"/);
    const fixed = (await runScenario(file("examples/win-autopilot-captive-portal-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 5, enrolled: 5 });
  }, 240_000);
  it("a firewall without ekop.intel.com fails Securing your hardware on firmware-TPM PCs only; allowing it deploys all", async () => {
    const failing = (await runScenario(file("failures/win-autopilot-firmware-tpm-ek-blocked-failing.yaml"), opts)).summary;
    expect(failing.ok).toBe(true);
    expect(failing.outcomes).toEqual({ "windows.autopilot.tpm-attestation": 2, "windows.autopilot.self-deploying.provisioned": 1 });
    expect(failing.errors["windows.autopilot.tpm-attestation"]!.example).toMatch(/could not fetch its EK certificate from ekop\.intel\.com.*firewall of network "depot-lan" blocks ekop\.intel\.com/);
    const fixed = (await runScenario(file("failures/win-autopilot-firmware-tpm-ek-blocked-fixed.yaml"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
    expect(fixed.steps["tpm.ek-certificate"]).toMatchObject({ count: 2, failed: 0 });
  }, 240_000);
});
