// SPDX-License-Identifier: MIT
/**
 * Knox Mobile Enrollment's profile request with Knox attestation (Samsung KBA 360039680333): the device's firmware defect
 * (catalog android.knoxAttestation, state.integrity.knoxAttestationBlob) makes the strict reference KME answer 400
 * "invalid nonce/blob"; unit checks of the device's blob and the server's gate, and the shipped pair over loopback.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { parseCatalogEntry } from "../../src/device/catalog.js";
import { createDeviceIdentity } from "../../src/device/identity.js";
import { knoxBlobDefect, kmeChallengeAnswer } from "../../src/device/android/kme-attestation.js";
import { KnoxAttestationService } from "../../src/server/android/knox-attestation.js";
import { kmeAttestationGate } from "../../src/server/android/kme-attestation.js";
import { ScenarioError } from "../../src/errors/index.js";
import { loadCatalog, defaultCatalogDir } from "../../src/runner/catalog-files.js";
import { KME_ATTESTATION_HEADER, KME_INVALID_NONCE_BLOB } from "../../src/wire/android/knox-attestation.js";
import { SeededEntropySource } from "../../src/platform/node/entropy.js";
import type { DeviceState } from "../../src/device/state.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const file = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const catalog = loadCatalog();
const s8 = (state?: DeviceState) => createDeviceIdentity(catalog.get("samsung-galaxy-s8"), new SeededEntropySource("kme-att").forDevice(0, 0), 0, state ? { state } : {});

describe("the device's blob: from the catalog's firmware defect, or the state", () => {
  it("SM-G950W on Android N has the KBA's defect; SM-G950F, or SM-G950W on Android O, does not; the state overrides", () => {
    expect(knoxBlobDefect(s8({ model: "SM-G950W" }))).toMatchObject({ defect: "rkp-wrong-address", from: expect.stringContaining("kba-360039680333") });
    expect(knoxBlobDefect(s8()).defect).toBeUndefined();
    expect(knoxBlobDefect(s8({ model: "SM-G950W", apiLevel: 26 })).defect).toBeUndefined();
    expect(knoxBlobDefect(s8({ model: "SM-G950W", integrity: { knoxAttestationBlob: "valid" } })).defect).toBeUndefined();
    expect(knoxBlobDefect(s8({ integrity: { knoxAttestationBlob: "rkp-wrong-address" } })).defect).toBe("rkp-wrong-address");
  });

  it("only a 401 with a 32-byte nonce is a challenge", () => {
    expect(kmeChallengeAnswer(s8(), 400, '{"nonce":"AAAA"}')).toBeUndefined();
    expect(kmeChallengeAnswer(s8(), 401, '{"error":"unauthorized"}')).toBeUndefined();
    expect(kmeChallengeAnswer(s8(), 401, JSON.stringify({ nonce: Buffer.alloc(16).toString("base64") }))).toBeUndefined();
  });
});

describe("the reference KME server's gate", () => {
  const at = (build: string) => new URL(`https://kme.test/android/provisioning/fully-managed/kme.json?imei=1&build=${encodeURIComponent(build)}`);
  const ask = (svc: KnoxAttestationService, url: URL, header?: string) => kmeAttestationGate(svc, { method: "GET", url: url.href, headers: header ? { [KME_ATTESTATION_HEADER]: header } : {} }, url);
  const body = (r: { body: Uint8Array } | undefined) => JSON.parse(Buffer.from(r!.body).toString("utf8")) as Record<string, string>;

  it("401 with a nonce first; a valid blob passes once; the same nonce again, a defective blob or garbage get the KBA's 400", () => {
    const svc = new KnoxAttestationService(() => 0);
    for (const [state, ok] of [
      [{}, true],
      [{ model: "SM-G950W" }, false],
    ] as const) {
      const id = s8(state);
      const first = ask(svc, at(id.os.build));
      expect(first?.status).toBe(401);
      const answer = kmeChallengeAnswer(id, 401, Buffer.from(first!.body).toString("utf8"))!;
      const second = ask(svc, at(id.os.build), answer.headers[KME_ATTESTATION_HEADER]);
      if (ok) {
        expect(second).toBeUndefined();
        expect(body(ask(svc, at(id.os.build), answer.headers[KME_ATTESTATION_HEADER]))).toEqual({ error: KME_INVALID_NONCE_BLOB });
      } else {
        expect(second?.status).toBe(400);
        expect(body(second).error).toContain('{ "error" : "invalid nonce/blob"}');
      }
    }
    expect(ask(svc, at("x"), "not base64!")?.status).toBe(400);
  });

  it("a valid blob for another build than the one named is refused (the measurements are the firmware's)", () => {
    const svc = new KnoxAttestationService(() => 0);
    const id = s8();
    const answer = kmeChallengeAnswer(id, 401, Buffer.from(ask(svc, at(id.os.build))!.body).toString("utf8"))!;
    expect(ask(svc, at("OTHER.BUILD"), answer.headers[KME_ATTESTATION_HEADER])?.status).toBe(400);
  });
});

describe("catalog: android.knoxAttestation", () => {
  it("an unknown defect is refused at file:line:column with what is expected", () => {
    const text = readFileSync(join(defaultCatalogDir(), "samsung-galaxy-s8.yaml"), "utf8").replace("blob: rkp-wrong-address", "blob: rkp-wrong-adress");
    let e: unknown;
    try {
      parseCatalogEntry(text, "samsung-galaxy-s8.yaml");
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as Error).message).toMatch(/samsung-galaxy-s8\.yaml:\d+:\d+.*blob "rkp-wrong-adress" is not known/s);
  });
});

describe("shipped pair over loopback", () => {
  it("SM-G950W on Android N: GET_PROFILE 401 then 400 invalid nonce/blob, Welcome; SM-G950F enrolls; on Android O all enroll", async () => {
    const failing = (await runScenario(file("android-kme-firmware-attestation-blob-failing"), opts)).summary;
    expect(failing).toMatchObject({ ok: true, devices: 3, enrolled: 1 });
    expect(failing.outcomes).toEqual({ "android.provision.kme-refused": 2, "android.enrolled": 1 });
    expect(failing.errors["android.provision.kme-refused"]).toMatchObject({ step: "android.trigger.kme" });
    expect(failing.errors["android.provision.kme-refused"]!.example).toContain("invalid nonce/blob");
    const fixed = (await runScenario(file("android-kme-firmware-attestation-blob-fixed"), opts)).summary;
    expect(fixed).toMatchObject({ ok: true, devices: 3, enrolled: 3 });
  }, 240_000);
});
