// SPDX-License-Identifier: MIT
/**
 * The node:http(s) transport, kept selectable for one release after lean became the default (performance round 11,
 * docs/performance.md): every hostile-server case and the platform's HTTP suites, run again with
 * ENROLLSIM_HTTP_TRANSPORT=node, so a server answer either transport mishandles fails here. Vitest's forks pool runs
 * each test file in its own process, so the variable reaches only this file's runs.
 */
process.env.ENROLLSIM_HTTP_TRANSPORT = "node";

const { ANDROID_CASES, APPLE_CASES, SCEP_CASES, WINDOWS_CASES } = await import("./cases.js");
const { hostileSuite } = await import("./suite.js");

hostileSuite("hostile scep server (node:http transport)", SCEP_CASES);
hostileSuite("hostile apple server (node:http transport)", APPLE_CASES);
hostileSuite("hostile windows server (node:http transport)", WINDOWS_CASES);
hostileSuite("hostile android server (node:http transport)", ANDROID_CASES);
await import("../platform/http.test.js");
await import("../platform/transport-detail.test.js");
await import("../platform/http-caller-abort.test.js");
await import("../platform/http-sessions.test.js");
await import("../platform/tls-renegotiation.test.js");

const { describe, expect, it } = await import("vitest");
const { resolveTransport } = await import("../../src/platform/node/http.js");
describe("this file's transport", () => {
  it("is node:http(s): the variable set above reaches the adapter", () => {
    expect(resolveTransport(undefined)).toBe("node");
  });
});
