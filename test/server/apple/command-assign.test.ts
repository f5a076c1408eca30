// SPDX-License-Identifier: MIT
/**
 * Configured commands assigned after an enrollment (command-queue.ts assignNew) are serialised once per command and
 * configuration version, not on every Idle poll of every device. Counted, not timed: each command's JSON
 * serialisation calls its toJSON, so the count is the number of serialisations.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HttpRequest } from "../../../src/ports/http.js";
import { issueCertificate } from "../../../src/server/scep/ca.js";
import { buildCsr, parseCsr } from "../../../src/wire/x509/pkcs10.js";
import { CHECKIN_CONTENT_TYPE, buildAuthenticate, buildCommandResult, parseCommand } from "../../../src/wire/apple/mdm.js";
import { buildPlistBytes, type PlistDict } from "../../../src/wire/apple/plist.js";
import type { Certificate } from "../../../src/wire/x509/certificate.js";
import { testKeys } from "../../support/scep-harness.js";
import { appleWorld, crypto, type AppleWorld } from "../../device/apple/harness.js";

const TOPIC = "com.apple.mgmt.External.6f1c2a3b-enrollsim-reference";
let w: AppleWorld;
let cert: Certificate;
let serialisations = 0;
/** A configured command that counts how often it is serialised to JSON. */
const counted = (requestType: string) => {
  const c = { requestType };
  Object.defineProperty(c, "toJSON", { enumerable: false, value: () => (serialisations++, { requestType }) });
  return c;
};

beforeAll(async () => {
  w = await appleWorld({ commands: [counted("ProfileList"), counted("SecurityInfo")] });
  const key = await (await testKeys()).rsa(3);
  cert = issueCertificate(w.ref.scep.id, parseCsr(buildCsr({ subject: "CN=q" }, key, "sha256", crypto)), Uint8Array.from([5, 5]), w.clock.now(), 30, crypto);
});

const put = (path: string, d: PlistDict): Promise<{ status: number; body: Uint8Array }> => {
  const req: HttpRequest & { tls: { peerCertificateDer: Uint8Array } } = {
    method: "PUT",
    url: `https://ref.test${path}`,
    headers: { "content-type": path.endsWith("checkin") ? CHECKIN_CONTENT_TYPE : "application/x-apple-aspen-mdm" },
    body: buildPlistBytes(d),
    tls: { peerCertificateDer: cert.der },
  };
  return w.apple.handler(req);
};
const idle = (udid: string) => put("/apple/mdm", buildCommandResult({ ref: { udid }, status: "Idle" }));
const ack = (udid: string, uuid: string) => put("/apple/mdm", buildCommandResult({ ref: { udid }, status: "Acknowledged", commandUUID: uuid }));
/** Polls until the queue is empty; the request types handed out. */
const drain = async (udid: string): Promise<string[]> => {
  const got: string[] = [];
  let res = await idle(udid);
  while (res.body.length) {
    const c = parseCommand(res.body);
    if ("formatError" in c) throw new Error("format");
    got.push(c.requestType);
    res = await ack(udid, c.commandUUID);
  }
  return got;
};

describe("configured commands assigned at the next poll", () => {
  it("idle polls of enrolled devices serialise no command again; a command configured later is serialised once and reaches each device once", async () => {
    for (const u of ["P1", "P2", "P3"]) expect((await put("/apple/checkin", buildAuthenticate({ topic: TOPIC, ref: { udid: u }, serialNumber: u }))).status).toBe(200);
    for (const u of ["P1", "P2", "P3"]) expect(await drain(u)).toEqual(["ProfileList", "SecurityInfo"]);
    const afterEnrollment = serialisations;
    expect(afterEnrollment).toBeLessThanOrEqual(2);
    for (let i = 0; i < 20; i++) for (const u of ["P1", "P2", "P3"]) expect((await idle(u)).body.length).toBe(0);
    // 60 idle polls: the old code serialised both commands on each (120 more).
    expect(serialisations).toBe(afterEnrollment);
    // The admin assigns one more command (a timeline `set` replaces the configuration: a new array).
    w.apple.config.commands = [...w.apple.config.commands, counted("DeviceInformation")];
    for (const u of ["P1", "P2", "P3"]) expect(await drain(u)).toEqual(["DeviceInformation"]);
    for (const u of ["P1", "P2", "P3"]) expect((await idle(u)).body.length).toBe(0);
    // One serialisation per command of the new version, whatever the number of devices and polls.
    expect(serialisations).toBe(afterEnrollment + 3);
  });
});
