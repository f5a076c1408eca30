// SPDX-License-Identifier: MIT
/**
 * A firmware TPM's EK certificate retrieval during "Securing your hardware" (self-deploying Autopilot), against the
 * reference server's stand-in for the manufacturers' services, in memory on a virtual clock: which TPMs fetch,
 * from which manufacturer's path (and so which real host a network rule names), and what a failed or unusable
 * answer shows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpHandler } from "../../../src/ports/http.js";
import type { TranscriptEvent } from "../../../src/ports/index.js";
import { serviceHostOf } from "../../../src/runner/network/services.js";
import { windowsHarness, type WinHarness } from "./harness.js";

const SELF_DEPLOYING = { autopilot: { mode: "self-deploying" }, minuteMs: 20 };
const ekRequests = (events: TranscriptEvent[]) => events.filter((e) => e.kind === "http" && e.step === "tpm.ek-certificate").map((e) => new URL((e.data as { request: { url: string } }).request.url).pathname);

/** Answers the EK certificate path with `answer` instead of the server. */
const ekAnswer =
  (answer: { status: number; type: string; body: string }): ((h: HttpHandler) => HttpHandler) =>
  (h) =>
  async (req) =>
    new URL(req.url).pathname.startsWith("/windows/tpm/ekcert/") ? { status: answer.status, headers: { "content-type": answer.type }, body: new TextEncoder().encode(answer.body), url: req.url } : h(req);

describe("firmware TPM EK certificate (tpm.ek-certificate)", () => {
  let h: WinHarness;
  beforeAll(async () => {
    h = await windowsHarness();
  });
  afterAll(() => h.close());

  it("a firmware TPM fetches its EK certificate from its manufacturer's service, then attests and deploys", async () => {
    // A different PC for each: a self-deployed PC is not deployed a second time (the server's one-time rule).
    for (const [index, manufacturer, host] of [
      [10, "intel", "ekop.intel.com"],
      [11, "amd", "ftpm.amd.com"],
      [12, "qualcomm", "ekcert.spserv.microsoft.com"],
    ] as const) {
      const { result, events } = await h.run("windows-autopilot", { windows: SELF_DEPLOYING }, index, "windows-11-laptop", { tpm: { kind: "firmware", manufacturer } });
      expect(result.ok, `${manufacturer}: ${result.message}`).toBe(true);
      const paths = ekRequests(events);
      expect(paths).toHaveLength(1);
      expect(paths[0]).toMatch(new RegExp(`^/windows/tpm/ekcert/${manufacturer}/[0-9a-f]{32}$`));
      // The network sees the manufacturer's real host: a firewall rule names it.
      expect(serviceHostOf(paths[0]!)).toBe(host);
      const got = events.find((e) => e.kind === "decoded" && e.step === "tpm.ek-certificate")?.data as { subject?: string };
      expect(got.subject).toContain("enrollsim stand-in EK certificate");
    }
  });

  it("a discrete TPM has its certificate preinstalled and a user-driven deployment attests nothing: no request", async () => {
    const discrete = await h.run("windows-autopilot", { windows: SELF_DEPLOYING }, 2, "windows-11-laptop", { tpm: { kind: "discrete" } });
    expect(discrete.result.ok).toBe(true);
    expect(ekRequests(discrete.events)).toEqual([]);
    const userDriven = await h.run("windows-autopilot", { windows: { minuteMs: 20 } }, 3, "windows-11-laptop", { tpm: { kind: "firmware" } });
    expect(ekRequests(userDriven.events)).toEqual([]);
  });
});

describe("firmware TPM EK certificate: failures", () => {
  it("the service refusing (HTTP 503) fails Securing your hardware with that status, before any join or enrollment", async () => {
    const h = await windowsHarness({}, ekAnswer({ status: 503, type: "text/plain", body: "Service Unavailable" }));
    try {
      const { result, events } = await h.run("windows-autopilot", { windows: SELF_DEPLOYING }, 4, "windows-11-laptop", { tpm: { kind: "firmware", manufacturer: "amd" } });
      expect(result).toMatchObject({ ok: false, code: "windows.autopilot.tpm-attestation", step: "esp.device-preparation" });
      expect(result.message).toContain("Securing your hardware (Failed: 0x801901f7)");
      expect(result.message).toContain("ftpm.amd.com");
      expect(events.some((e) => e.kind === "http" && (e.step === "join.register" || e.step === "enroll.discovery"))).toBe(false);
    } finally {
      await h.close();
    }
  });

  it("an answer that is not a certificate (a proxy's HTML page) leaves attestation without an EK certificate: it times out", async () => {
    const h = await windowsHarness({}, ekAnswer({ status: 200, type: "text/html", body: "<html>blocked by policy</html>" }));
    try {
      const { result } = await h.run("windows-autopilot", { windows: SELF_DEPLOYING }, 5, "windows-11-laptop", { tpm: { kind: "firmware" } });
      expect(result).toMatchObject({ ok: false, code: "windows.autopilot.tpm-attestation" });
      expect(result.message).toContain("Securing your hardware (Failed: 0x800705b4)");
      expect(result.message).toContain("not a certificate");
    } finally {
      await h.close();
    }
  });
});
