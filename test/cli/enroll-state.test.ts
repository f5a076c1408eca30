// SPDX-License-Identifier: MIT
/** `enroll --state KEY=VALUE`: one device in a given state; a bad key or value is the command line's fault (exit 2, did-you-mean). */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli, MAIN } from "../runner/support/cli.js";

describe.skipIf(!existsSync(MAIN))("enroll --state", () => {
  it("a stale enrollment record on the PC: the client stops before any request (exit 1, the code and HRESULT)", async () => {
    const r = await cli(MAIN, ["enroll", "windows-byod", "--state", 'enrollments=[{"status":"stale"}]']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAILED: windows-11-laptop#0: windows.enroll.machine-already-enrolled at step enroll.precheck: 0x8007064C");
  }, 60_000);

  it("an unknown key or value: exit 2 with a did-you-mean; a key of another platform names it", async () => {
    const typo = await cli(MAIN, ["enroll", "windows-byod", "--state", "tmp.kind=virtual"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--state tmp: unknown windows state "tmp" (did you mean "tpm"?)');
    const value = await cli(MAIN, ["enroll", "windows-gpo", "--state", "join=hybird-joined"]);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('(did you mean "hybrid-joined"?)');
    const foreign = await cli(MAIN, ["enroll", "android-qr", "--state", "join=none"]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('unknown android state "join" (a windows state key)');
  }, 60_000);

  it("a release the model never ran: exit 2 with the model's range and its source", async () => {
    const r = await cli(MAIN, ["enroll", "android-qr", "--model", "pixel-8", "--state", "apiLevel=30"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--state apiLevel: pixel-8 ships with Android API level 34; state.apiLevel 30 is below it (supported: Android API level 34 and later; source: https://support.google.com/pixelphone/answer/4457705); models in the catalog that run Android API level 30: ",
    );
  }, 60_000);
});
