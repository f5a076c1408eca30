// SPDX-License-Identifier: MIT
/**
 * Blind trial 11, ticket W3 (NeySlim/ultimate-ca-manager#326): a proxy asks for a client certificate in the middle of
 * the SCEP GetCACaps connection (`tls: client-cert-mid-connection`, real TLS 1.2 renegotiation from the embedded
 * server's renegotiating listener). Windows PCs fail the ESP's Certificates row with 0x80072F78
 * ERROR_WINHTTP_INVALID_SERVER_RESPONSE; without the mid-connection request they enrol. An Android device follows the
 * renegotiation (Conscrypt accepts it); an Apple device too, as OpenSSL does, its own behaviour not being published.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { parseRenegotiationRows } from "../../src/device/tls-renegotiation.js";
import { loadCatalogWith, loadTlsRenegotiation } from "../../src/runner/catalog-files.js";

const dir = join(import.meta.dirname, "../../scenarios/failures");
const opts = { keyPoolSize: 8, progress: false as const };

describe("a mid-connection client-certificate request on the SCEP path (Windows ESP)", () => {
  it("failing: every PC fails the Certificates row with 0x80072F78 at scep.getcacaps; fixed: every PC enrols", async () => {
    const { summary } = await runScenario(join(dir, "win-esp-scep-proxy-renegotiation-failing.yaml"), opts);
    expect(summary).toMatchObject({ devices: 2, failed: 2, ok: true });
    const e = summary.errors["windows.esp.certificate-failed"]!;
    expect(e.count).toBe(2);
    expect(e.shown).toMatchObject({ code: "0x80072F78", name: "ERROR_WINHTTP_INVALID_SERVER_RESPONSE", screen: "Enrollment Status Page (DeviceSetup)" });
    // The device's message names the SCEP URL it asked for (the HTTPS listener), never the renegotiating listener's port.
    const asked = /WifiCert: 0x80072F78 ERROR_WINHTTP_INVALID_SERVER_RESPONSE: (https:\/\/127\.0\.0\.1:\d+)\/scep: /.exec(e.example ?? "")?.[1];
    expect(asked).toBeDefined();
    expect(e.example).toContain(`${asked}/scep: GET ${asked}/scep?operation=GetCACaps: TLS failure: the server renegotiated the connection after the request was sent`);
    expect(JSON.stringify(summary)).toContain("0x80072F78");
    const fixed = await runScenario(join(dir, "win-esp-scep-proxy-renegotiation-fixed.yaml"), opts);
    expect(fixed.summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
  }, 120_000);

  it("an Android device follows the renegotiation (Conscrypt): the fault fires on the DPC download and every phone is provisioned", async () => {
    const work = mkdtempSync(join(tmpdir(), "enrollsim-reneg-android-"));
    const file = join(work, "android-reneg.yaml");
    writeFileSync(
      file,
      `name: android-reneg
seed: 9
server: embedded
groups:
  - name: pixels
    model: pixel-8
    count: 2
    flow: android-qr
    options: { android: { profile: fully-managed } }
    faults:
      - { name: mid-connection, match: { step: android.provision.download }, tls: client-cert-mid-connection }
arrival: { concurrency: 2 }
limits: { durationSeconds: 120, stepTimeoutMs: 15000 }
expect: { successRatio: 1.0 }
`,
    );
    const trace = join(work, "trace");
    const { summary } = await runScenario(file, { ...opts, trace });
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
    const fired = readdirSync(trace)
      .flatMap((f) => readFileSync(join(trace, f), "utf8").trim().split("\n"))
      .filter((l) => l.includes('"injected":true') && l.includes("client-cert-mid-connection"));
    expect(fired.length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it("the shipped rows (devices/tls-stacks/): Windows fails and Android (Conscrypt) follows, each with its source; Apple's say they are not published", () => {
    const t = loadTlsRenegotiation();
    expect(t.rowFor("windows", "10.0.22631.3593")).toMatchObject({ behaviour: "fail", published: true });
    expect(t.rowFor("windows", "10.0.22631.3593")!.source).toContain("ultimate-ca-manager/issues/326");
    expect(t.rowFor("android", "14")).toMatchObject({ behaviour: "follow", published: true });
    expect(t.rowFor("android", "14")!.source).toContain("SSL_accept_renegotiations");
    for (const p of ["ios", "ipados", "macos"]) {
      expect(t.rowFor(p, "17.5")).toMatchObject({ behaviour: "follow", published: false });
      expect(t.rowFor(p, "17.5")!.source).toMatch(/^not published/);
    }
  });

  it("a bad row names file:line:column and what was expected; an unpublished row cannot claim a failure", () => {
    const err = (text: string): string => {
      try {
        parseRenegotiationRows(text, "r.yaml");
      } catch (e) {
        return String((e as Error).message) + " " + JSON.stringify(e);
      }
      return "no error";
    };
    expect(err("renegotiation:\n  - platform: windws\n    behaviour: fail\n    published: true\n    source: x\n")).toMatch(/r\.yaml:2:15/);
    expect(err("renegotiation:\n  - platform: windows\n    behaviour: fail\n    published: false\n    source: x\n")).toMatch(/unpublished behaviour cannot be "fail"/);
    expect(err("renegotiation:\n  - platform: windows\n    behavior: fail\n    published: true\n    source: x\n")).toMatch(/unknown field "behavior"/);
  });

  it("a user's row (--devices DIR/tls-stacks/) overrides the shipped one: PCs whose WinHTTP followed would enrol through the same proxy", async () => {
    const own = mkdtempSync(join(tmpdir(), "enrollsim-reneg-devices-"));
    mkdirSync(join(own, "tls-stacks"));
    // A --devices DIR holds models too: the shipped laptop, unchanged.
    writeFileSync(join(own, "windows-11-laptop.yaml"), readFileSync(join(import.meta.dirname, "../../devices/windows-11-laptop.yaml"), "utf8"));
    writeFileSync(join(own, "tls-stacks", "mine.yaml"), 'renegotiation:\n  - platform: windows\n    from: "10.0.22000"\n    behaviour: follow\n    published: true\n    source: a capture of our own (test)\n');
    const catalog = loadCatalogWith(own);
    expect(catalog.tlsRenegotiation.behaviourFor("windows", "10.0.22631.3593")).toBe("follow");
    expect(catalog.tlsRenegotiation.behaviourFor("windows", "10.0.19045.4291")).toBe("fail");
    const work = mkdtempSync(join(tmpdir(), "enrollsim-reneg-win-"));
    const text = readFileSync(join(dir, "win-esp-scep-proxy-renegotiation-failing.yaml"), "utf8").replace(/expect:[\s\S]*$/, "expect:\n  successRatio: 1.0\n");
    writeFileSync(join(work, "f.yaml"), text);
    const { summary } = await runScenario(join(work, "f.yaml"), { ...opts, catalog });
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0, ok: true });
  }, 120_000);
});
