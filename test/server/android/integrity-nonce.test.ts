// SPDX-License-Identifier: MIT
/**
 * Android integrity evidence is bound to a one-time server nonce (server/android/integrity-nonces.ts): the device asks
 * for a nonce before each request that carries evidence and attests a key with it as attestationChallenge; the server
 * withholds its verdict for evidence whose challenge is missing, replayed, expired or another device's. Virtual time.
 */
import { describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { VirtualClock } from "../../../src/platform/virtual/clock.js";
import type { PolicyConfig } from "../../../src/server/policy/types.js";
import { IntegrityNonces } from "../../../src/server/android/integrity-nonces.js";
import { decodeKeyDescription, readIntegritySignals } from "../../../src/wire/android/integrity.js";
import { androidServer, runAndroidFlow, START } from "../../protocol/android/harness.js";

const profiles = (validity?: number) => ({ profiles: { "fully-managed": { mode: "fully-managed" } }, ...(validity ? { amapi: { integrityNonceValiditySeconds: validity } } : {}) });
const policy: PolicyConfig = { compliance: { policies: [{ name: "health", platform: "android", rules: { playIntegrity: "basic-and-device" }, graceHours: 0 }] } } as PolicyConfig;
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));

describe("IntegrityNonces", () => {
  it("a nonce is accepted once, from the device it was issued to, within its validity", () => {
    let now = 0;
    const n = new IntegrityNonces(
      () => now,
      () => 60,
    );
    const a = n.issue("SER1");
    expect(n.consume(bytes(a), "SER1")).toBeUndefined();
    expect(n.consume(bytes(a), "SER1")).toBe("unknown-or-used");
    expect(n.consume(undefined, "SER1")).toBe("missing");
    expect(n.consume(new Uint8Array(0), "SER1")).toBe("missing");
    expect(n.consume(bytes(n.issue("SER1")), "SER2")).toBe("other-device");
    const late = n.issue("SER1");
    now += 60_001;
    expect(n.consume(bytes(late), "SER1")).toBe("expired");
    expect(n.consume(new TextEncoder().encode("enroll:SER1"), "SER1")).toBe("unknown-or-used");
  });

  it("the store is bounded: the oldest outstanding nonce is dropped first", () => {
    const n = new IntegrityNonces(
      () => 0,
      () => 600,
      3,
    );
    const first = n.issue("S");
    for (let i = 0; i < 3; i++) n.issue("S");
    expect(n.outstanding).toBe(3);
    expect(n.consume(bytes(first), "S")).toBe("unknown-or-used");
  });
});

describe("the reference server binds the verdict to its nonce (device flow against the server, virtual time)", () => {
  it("the device attests with the server's nonce and gets its verdict; a replay of the same evidence gets none", async () => {
    const clock = new VirtualClock(START);
    const { server, half } = await androidServer(profiles(), clock, policy);
    const sent: Record<string, unknown>[] = [];
    const handler = async (req: HttpRequest) => {
      if (req.url.includes(":reportStatus") && req.body) sent.push(JSON.parse(Buffer.from(req.body).toString()) as Record<string, unknown>);
      return server.handler(req);
    };
    const out = await runAndroidFlow("android-qr", { dialect: "intune" }, handler, { clock });
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(out.result!.background).toBeUndefined(); // compliant: the verdict was received
    const dev = [...half.amapi.devices.values()][0]!;
    expect(dev.securityPosture?.devicePosture).toBe("SECURE");
    expect(out.steps.filter((s) => s.step === "android.amapi.nonce").length).toBeGreaterThanOrEqual(2);
    // The challenge is the server's 32-byte nonce, not the device's old fixed `enroll:<serial>`.
    const evidence = readIntegritySignals(sent.at(-1)!.integrity)!;
    expect(decodeKeyDescription(evidence)!.attestationChallenge).toHaveLength(32);

    // Replay: the same report body again (a proxy or a cloned device). The old server gave it the same verdict.
    const replay = await server.handler({ method: "POST", url: `https://mdm.test/android/amapi/device/v1/${dev.name}:reportStatus`, headers: { "content-type": "application/json" }, body: new Uint8Array(Buffer.from(JSON.stringify(sent.at(-1)))) });
    expect(replay.status).toBe(200);
    expect(dev.securityPosture?.devicePosture).toBe("POSTURE_UNSPECIFIED");
    const rec = [...server.policy.enrollments.values()][0]!;
    expect(rec.integrity).toMatchObject({ rootDetected: false, withheld: expect.stringContaining("already used: a replay") });
    expect(rec.integrity?.verdict).toBeUndefined();
  });

  it("evidence sent after the nonce's validity (the device was slow between nonce and report) gets no verdict: Noncompliant", async () => {
    const clock = new VirtualClock(START);
    const { server } = await androidServer(profiles(10), clock, policy);
    // 20 s pass between the nonce and the request that carries the attested key.
    const gate = async (step: string) => {
      if (step === "android.amapi.redeem" || step === "android.amapi.status") await clock.sleep(20_000);
    };
    const out = await runAndroidFlow("android-qr", { dialect: "intune" }, server.handler, { clock, gate, timeoutMs: 60_000 });
    expect(out.error).toBeUndefined();
    expect(out.result).toMatchObject({ ok: true, code: "android.enrolled" });
    expect(out.result!.background?.[0]).toMatchObject({
      code: "android.compliance.noncompliant",
      shown: expect.objectContaining({ code: "Noncompliant", text: expect.stringContaining("no verdict received: the attestation challenge is a nonce that expired") }),
    });
  });
});
