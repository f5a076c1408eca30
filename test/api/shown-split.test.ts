// SPDX-License-Identifier: MIT
/**
 * What the device shows, what the server said and enrollsim's diagnosis are kept apart (blind trial 9), end to end
 * against the reference server over loopback: `expect.shown` matches the device's own words only, the server's
 * words are reported as `shown.serverSaid` (and asserted with `expect.answered`), the diagnosis stays the message.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";

const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };
const T = 120_000;

async function run(name: string, yaml: string) {
  const file = join(mkdtempSync(join(tmpdir(), "enrollsim-shown-split-")), `${name}.yaml`);
  writeFileSync(file, yaml);
  return (await runScenario(file, opts)).summary;
}

describe("the device's words, the server's words and enrollsim's diagnosis", () => {
  it(
    "trial 9, ticket 08: 'Device limit reached' is the server's refusal, not what the Android phone shows",
    async () => {
      const s = await run(
        "device-limit",
        `name: t9-08-device-limit
seed: 908
server: embedded
embedded:
  policy:
    directory: { users: [{ upn: ann@contoso.example, groups: [staff] }] }
    restrictions: { deviceLimit: 2 }
groups:
  - { name: ann-phones, model: pixel-8, count: 3, flow: android-work-profile, options: { android: { user: ann@contoso.example, profile: work-profile } } }
arrival: { concurrency: 1 }
limits: { durationSeconds: 120 }
expect:
  outcomes: { android.enrolled: { count: 2 } }
  shown:
    - { text: "Device limit reached" }
    - { text: "Can't set up device. Contact your IT admin for help.", count: 1 }
  answered:
    - { step: android.amapi.redeem, status: 403, body: "Device limit reached", count: 1 }
`,
      );
      // The enrollment link alone (a profile given: no Company Portal route), so the limit is met at the token redemption
      // and the phone shows the setup wizard's text (through the Company Portal it shows its own "Device limit reached",
      // agents/company-portal.yaml, failures/android-cp-device-limit-*.yaml). The false pass of trial 9: the server's
      // reason matched `shown`; now it matches no device, and the run fails on it.
      expect(s.shown).toEqual([
        { text: "Device limit reached", devices: 0 },
        { text: "Can't set up device. Contact your IT admin for help.", devices: 1 },
      ]);
      expect(s.expectations.filter((e) => !e.ok).map((e) => e.name)).toEqual(['shown "Device limit reached"']);
      const [code, e] = Object.entries(s.errors)[0]!;
      expect(code).toMatch(/^android\./);
      expect(e.shown).toMatchObject({ text: "Can't set up device. Contact your IT admin for help.", serverSaid: expect.stringMatching(/^Device limit reached: ann@contoso\.example/) });
      expect(e.shown!.text).not.toContain("Device limit");
      // enrollsim's diagnosis still says why, quoting the server.
      expect(e.example).toContain("Device limit reached");
    },
    T,
  );

  it(
    "trial 9, ticket 06: the SCEP alert is Apple's text; which CertRep check failed is enrollsim's diagnosis",
    async () => {
      const s = await run(
        "scep-nonce",
        `name: t9-06-scep-nonce
seed: 906
server: embedded
embedded:
  scep: { fault: wrong-recipient-nonce }
groups:
  - { name: iphones, model: iphone-15, count: 2, flow: ios-profile }
limits: { durationSeconds: 120 }
expect:
  successRatio: { max: 0 }
  shown:
    - { text: "Profile Installation Failed. The SCEP server returned an invalid response.", count: 2 }
    - { text: "recipientNonce" }
`,
      );
      expect(s.shown!.map((x) => x.devices)).toEqual([2, 0]);
      const e = s.errors["apple.scep.invalid-response"]!;
      expect(e.shown).toMatchObject({ code: "MCInstallationErrorDomain 4001", text: "Profile Installation Failed. The SCEP server returned an invalid response." });
      expect(e.example).toMatch(/diagnosis: .*recipientNonce/);
    },
    T,
  );
});
