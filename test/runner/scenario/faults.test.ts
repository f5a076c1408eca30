// SPDX-License-Identifier: MIT
/** `faults:` in scenario files: schema and semantic errors with file:line:column, warnings, resolution. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";

const context: ScenarioContext = {
  modelIds: ["iphone-15", "surface-pro"],
  flows: ["scep", "windows-byod", "ios-profile"],
  modelPlatforms: { "iphone-15": "ios", "surface-pro": "windows" },
  flowSteps: { "windows-byod": ["discovery.dns", "discovery.get", "discovery.post", "enroll.rst"], "ios-profile": ["profile.download", "checkin.authenticate"] },
};

const scenario = (faults: string, extra = ""): string => `name: f
${extra}groups:
  - name: pcs
    model: surface-pro
    count: 2
    flow: windows-byod
  - name: phones
    model: iphone-15
    count: 1
    flow: ios-profile
faults:
${faults}`;

const parse = (text: string) => parseScenario(text, "f.yaml", context);
const errorOf = (text: string): string => {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error("expected a ScenarioError");
};

describe("faults: errors", () => {
  it("an unknown selector key gets file:line:column and a did-you-mean", () => {
    expect(errorOf(scenario("  - match: { stpe: discovery.* }\n    status: { code: 500 }\n"))).toBe(
      'f.yaml:12:14: unknown property "stpe" in faults[0].match; expected one of platform, flow, step, group, url, method, nth, afterSuccesses, probability, window, body, header, field (did you mean "step"?)',
    );
  });

  it("an unknown action key gets a did-you-mean among the actions", () => {
    expect(errorOf(scenario("  - stauts: { code: 500 }\n"))).toMatch(/^f\.yaml:12:5: unknown property "stauts" in faults\[0\]; expected one of name, match, times, status, .* \(did you mean "status"\?\)$/);
  });

  it("an unknown action value gets a did-you-mean", () => {
    expect(errorOf(scenario("  - tls: expird\n"))).toMatch(/^f\.yaml:12:10: faults\[0\]\.tls must be one of untrusted, expired, .* \(got "expird"\) \(did you mean "expired"\?\)$/);
    expect(errorOf(scenario("  - dns: nxdomian\n"))).toBe('f.yaml:12:10: faults[0].dns must be one of nxdomain, timeout, servfail or { cname: NAME } (got "nxdomian") (did you mean "nxdomain"?)');
    expect(errorOf(scenario("  - match: { platform: andriod }\n    noAnswer: true\n"))).toMatch(/did you mean "android"\?/);
  });

  it("request-content selectors (body, header, field) are checked at file:line:column", () => {
    expect(errorOf(scenario("  - match: { body: '/(unclosed/' }\n    status: { code: 500 }\n"))).toMatch(/^f\.yaml:12:20: faults\[0\]\.match\.body is not a valid pattern: .*Unterminated group/);
    expect(errorOf(scenario("  - match:\n      header: { User-Agent: '/[/' }\n    status: { code: 500 }\n"))).toMatch(/^f\.yaml:13:29: faults\[0\]\.match\.header\.User-Agent is not a valid pattern/);
    expect(errorOf(scenario("  - match: { field: { path: 'Envelope//Body', equals: '9.0' } }\n    status: { code: 500 }\n"))).toMatch(/^f\.yaml:12:29: faults\[0\]\.match\.field\.path must be a path of names separated by \//);
    expect(errorOf(scenario("  - match: { field: { path: Envelope/Body } }\n    status: { code: 500 }\n"))).toMatch(/^f\.yaml:12:\d+: .*faults\[0\]\.match\.field.*\{ path, equals \| notEquals \| matches \}/);
    expect(errorOf(scenario("  - match: { field: { path: a, equal: '9.0' } }\n    status: { code: 500 }\n"))).toMatch(/did you mean "equals"\?/);
    expect(errorOf(scenario("  - match: { feild: { path: a, equals: '9.0' } }\n    status: { code: 500 }\n"))).toMatch(/^f\.yaml:12:14: unknown property "feild" .*\(did you mean "field"\?\)$/);
    expect(errorOf(scenario("  - match: { field: { path: a, matches: '/a(/' } }\n    status: { code: 500 }\n"))).toMatch(/^f\.yaml:12:\d+: faults\[0\]\.match\.field\.matches is not a valid pattern/);
    const ok = parse(scenario("  - match: { step: discovery.post, header: { user-agent: ENROLLClient }, field: { path: Envelope/Body/Discover/request/RequestVersion, notEquals: ['4.0', '5.0'] } }\n    status: { code: 500 }\n"));
    expect(ok.faults![0]!.match!.field).toEqual({ path: "Envelope/Body/Discover/request/RequestVersion", notEquals: ["4.0", "5.0"] });
  });

  it("an edit's path and target are checked at file:line:column", () => {
    expect(errorOf(scenario("  - edit: { remove: 'SyncML//Status' }\n"))).toMatch(/^f\.yaml:12:21: faults\[0\]\.edit\.remove must be a path of names separated by \/ .*\(got "SyncML\/\/Status"\)/);
    expect(errorOf(scenario("  - edit: { remove: 'Status[0]' }\n"))).toMatch(/^f\.yaml:12:21: faults\[0\]\.edit\.remove must be a path of names/);
    expect(errorOf(scenario("  - edit: { remove: SyncML/SyncBody/Status, in: reqest }\n"))).toMatch(/did you mean "request"\?/);
    expect(parse(scenario("  - edit: { in: request, remove: 'SyncML/SyncBody/Status[2..]' }\n")).faults![0]!.edit).toEqual({ in: "request", remove: "SyncML/SyncBody/Status[2..]" });
  });

  it("byte edits: a misspelt key, bad hex, an empty find and an edit with nothing to do are errors at file:line:column", () => {
    expect(errorOf(scenario("  - edit: { prefx: 'x' }\n"))).toMatch(/^f\.yaml:12:\d+: unknown property "prefx" in faults\[0\]\.edit.*did you mean "prefix"\?/);
    expect(errorOf(scenario("  - edit: { prefix: { hex: '0G' } }\n"))).toMatch(/^f\.yaml:12:\d+: faults\[0\]\.edit\.prefix\.hex must be hex digit pairs/);
    expect(errorOf(scenario("  - edit: { prefix: { hx: '00' } }\n"))).toMatch(/unknown property "hx" in faults\[0\]\.edit\.prefix.*did you mean "hex"\?/);
    expect(errorOf(scenario("  - edit: { replace: { find: '', with: x } }\n"))).toMatch(/^f\.yaml:12:\d+: faults\[0\]\.edit\.replace/);
    expect(errorOf(scenario("  - edit: { in: request }\n"))).toMatch(/^f\.yaml:12:\d+: faults\[0\]\.edit must be at least one of remove, replace, prefix, append/);
    const f = parse(scenario("  - edit: { prefix: { hex: '00 00' }, append: \"\\n\", replace: [{ find: 'https://', with: '%SERVER_HTTP%/' }] }\n")).faults![0]!;
    expect(f.edit).toEqual({ prefix: { hex: "00 00" }, append: "\n", replace: [{ find: "https://", with: "%SERVER_HTTP%/" }] });
  });

  it("an entry needs exactly one action", () => {
    expect(errorOf(scenario("  - match: { nth: 1 }\n"))).toMatch(/^f\.yaml:12:5: faults\[0\] needs exactly one action: status, delay, /);
    expect(errorOf(scenario("  - status: { code: 500 }\n    noAnswer: true\n"))).toMatch(/^f\.yaml:13:5: faults\[0\] gives both status and noAnswer/);
  });

  it("unknown flows, bad patterns and backwards windows are errors", () => {
    expect(errorOf(scenario("  - match: { flow: windows-byd }\n    noAnswer: true\n"))).toMatch(/unknown flow "windows-byd" in faults\[0\]\.match; .*\(did you mean "windows-byod"\?\)/);
    expect(errorOf(scenario("  - match: { url: \"/a(/\" }\n    noAnswer: true\n"))).toMatch(/^f\.yaml:12:19: faults\[0\]\.match\.url is not a valid pattern/);
    expect(errorOf(scenario("  - match: { window: { from: 60, to: 30 } }\n    noAnswer: true\n"))).toMatch(/window\.to \(30\) must be after from \(60\)/);
  });

  it("scepFailInfo against a URL server is refused at load time", () => {
    expect(errorOf(scenario("  - scepFailInfo: badRequest\n", "server: https://mdm.example.com\n"))).toMatch(/^f\.yaml:13:5: faults\[0\]\.scepFailInfo needs the embedded server: a CertRep FAILURE must be signed with the CA's key/);
  });

  it("tls: client-cert-mid-connection against a URL server is refused at load time (the embedded server's listener renegotiates)", () => {
    expect(errorOf(scenario("  - tls: client-cert-mid-connection\n", "server: https://mdm.example.com\n"))).toMatch(/^f\.yaml:13:5: faults\[0\]\.tls: client-cert-mid-connection needs the embedded server/);
    expect(errorOf(scenario("  - tls: client-cert-mid-conection\n"))).toMatch(/client-cert-mid-connection/);
  });

  it("group faults are checked like top-level ones", () => {
    const text = `name: g
groups:
  - name: pcs
    model: surface-pro
    count: 1
    flow: windows-byod
    faults:
      - match: { methd: GET }
        noAnswer: true
`;
    expect(errorOf(text)).toMatch(/^f\.yaml:8:18: unknown property "methd" in groups\[0\]\.faults\[0\]\.match; .*\(did you mean "method"\?\)/);
  });
});

describe("faults: warnings for faults that can never fire", () => {
  it("a platform, flow or group no device has", () => {
    const s = parse(scenario("  - match: { platform: android }\n    noAnswer: true\n  - match: { group: laptops }\n    noAnswer: true\n  - match: { platform: apple, flow: windows-byod }\n    noAnswer: true\n"));
    expect(s.warnings).toEqual([
      "f.yaml:12:12: warning: faults[0] can never fire: no device group has platform android",
      'f.yaml:14:21: warning: faults[1].match.group names no group ("laptops"); this fault can never fire',
      "f.yaml:16:12: warning: faults[2] can never fire: no device group has platform apple, flow windows-byod",
    ]);
  });

  it("a step selector no reached flow has, and a window after the deadline", () => {
    const s = parse(scenario("  - match: { flow: windows-byod, step: discovry.* }\n    noAnswer: true\n  - match: { window: { from: 700 } }\n    noAnswer: true\n"));
    expect(s.warnings?.[0]).toMatch(/^f\.yaml:12:40: warning: faults\[0\]\.match\.step "discovry\.\*" matches no step of the flows it reaches \(windows-byod\); known steps: .*$/);
    expect(s.warnings?.[1]).toBe("f.yaml:14:30: warning: faults[1].match.window.from (700 s) is at or after the run's deadline (limits.durationSeconds 600); this fault can never fire");
  });

  it("a request-content selector on a CNAME answer can never fire (a lookup has no headers or body)", () => {
    const s = parse(scenario("  - match: { header: { user-agent: '*' } }\n    dns: { cname: elsewhere.example }\n  - match: { header: { user-agent: '*' } }\n    dns: nxdomain\n"));
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings?.[0]).toMatch(/^f\.yaml:12:\d+: warning: faults\[0\]\.match\.header can never fire: dns: \{ cname \} answers DNS lookups/);
  });

  it("a body or field selector on GET requests can never fire (no body)", () => {
    const s = parse(scenario("  - match: { method: GET, field: { path: a, equals: b } }\n    noAnswer: true\n  - match: { method: POST, body: '*x*' }\n    noAnswer: true\n"));
    expect(s.warnings).toEqual([expect.stringMatching(/^f\.yaml:12:\d+: warning: faults\[0\]\.match\.field can never fire: match\.method GET requests carry no body$/)]);
  });

  it("a tls fault aimed at a plain-http URL can never fire (no TLS handshake); the https URL is fine", () => {
    const s = parse(scenario('  - match: { url: "http://ca.example/scep*" }\n    tls: expired\n  - match: { url: "https://ca.example/scep*" }\n    tls: expired\n'));
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings?.[0]).toMatch(/^f\.yaml:13:\d+: warning: faults\[0\]\.tls can never fire: match\.url "http:\/\/ca\.example\/scep\*" is a plain-http URL/);
  });

  it("a group's own fault that selects another group can never fire", () => {
    const text = `name: own
groups:
  - name: pcs
    model: surface-pro
    count: 1
    flow: windows-byod
    faults:
      - match: { group: phones }
        noAnswer: true
  - { name: phones, model: iphone-15, count: 1, flow: ios-profile }
`;
    expect(parse(text).warnings).toEqual(["f.yaml:8:16: warning: groups[0].faults[0] can never fire: no device group has group phones, group pcs (the entry's own)"]);
  });

  it("a fault at a step the group's options make request-free can never fire (ADE cloud configuration given in options, a given discovery URL)", () => {
    const ctx: ScenarioContext = { ...context, modelIds: [...context.modelIds], flows: [...context.flows, "ios-ade"], flowSteps: { ...context.flowSteps, "ios-ade": ["ade.cloudconfig", "ade.enroll"] } };
    const text = `name: ade
groups:
  - name: given
    model: iphone-15
    count: 2
    flow: ios-ade
    options: { apple: { ade: { cloudConfig: { url: /apple/ade/enroll, is_supervised: true } } } }
  - name: pcs
    model: surface-pro
    count: 1
    flow: windows-byod
    options: { windows: { discoveryUrl: "%SERVER%/EnrollmentServer/Discovery.svc" } }
faults:
  - match: { step: ade.cloudconfig }
    status: { code: 503 }
  - match: { step: discovery.dns }
    dns: nxdomain
`;
    expect(parseScenario(text, "f.yaml", ctx).warnings).toEqual([
      'f.yaml:14:20: warning: faults[0].match.step "ade.cloudconfig" can never fire: the steps it matches send no request for the devices it reaches (group given: the devices are given their cloud configuration in options.apple.ade.cloudConfig, so they fetch none)',
      'f.yaml:16:20: warning: faults[1].match.step "discovery.dns" can never fire: the steps it matches send no request for the devices it reaches (group pcs: the devices are given options.windows.discoveryUrl, so they look up no EnterpriseEnrollment name)',
    ]);
    // a group that fetches its cloud configuration keeps the fault live: no warning
    const fetching = text.replace("    options: { apple: { ade: { cloudConfig: { url: /apple/ade/enroll, is_supervised: true } } } }\n", "");
    expect(parseScenario(fetching, "f.yaml", ctx).warnings).toHaveLength(1);
  });

  it("a fault aimed at the simulator's own QR or NFC payload fetch can never fire: a real device sends no request for it", () => {
    const ctx: ScenarioContext = { ...context, modelIds: [...context.modelIds, "pixel-8"], modelPlatforms: { ...context.modelPlatforms, "pixel-8": "android" }, flows: [...context.flows, "android-qr"], flowSteps: { ...context.flowSteps, "android-qr": ["android.trigger.qr", "android.trigger.nfc", "android.provision.download"] } };
    const text = `name: qr
groups:
  - { name: p, model: pixel-8, count: 1, flow: android-qr }
faults:
  - { match: { step: android.trigger.qr }, status: { code: 503 } }
  - { match: { step: "android.*" }, status: { code: 503 } }
`;
    const w = parseScenario(text, "f.yaml", ctx).warnings ?? [];
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('faults[0].match.step "android.trigger.qr" can never fire');
    expect(w[0]).toContain("reads the QR code's payload with its camera");
  });

  it("faults that can fire give no warning", () => {
    const s = parse(scenario("  - match: { platform: windows, step: discovery.* }\n    dns: nxdomain\n  - match: { platform: apple }\n    mdmStatus: 503\n"));
    expect(s.warnings).toBeUndefined();
  });
});

describe("faults: resolution", () => {
  it("top-level entries, then group entries scoped to their group, with names and origins", () => {
    const text = `name: r
groups:
  - name: pcs
    model: surface-pro
    count: 1
    flow: windows-byod
    faults:
      - name: no-dns
        dns: nxdomain
faults:
  - match: { nth: 2 }
    times: 1
    status: { code: 503, headers: { Retry-After: "10" } }
`;
    expect(parse(text).faults).toEqual([
      { name: "faults[0]", origin: "faults[0]", match: { nth: 2 }, times: 1, status: { code: 503, headers: { "Retry-After": "10" } } },
      { name: "no-dns", origin: "groups[0].faults[0]", scopeGroup: "pcs", dns: "nxdomain" },
    ]);
  });
});

describe("faults: aliases of the old fault knobs", () => {
  const ctx: ScenarioContext = { ...context, flows: [...context.flows] };
  it("embedded.windows.fault becomes a soapFault entry at the step, and the server no longer sees the knob", () => {
    const s = parseScenario(`name: a
embedded:
  windows:
    fault: { step: enroll, subcode: "s:EnrollmentServer", errorType: InMaintenance, message: "scheduled maintenance" }
    maxMsgSize: 4096
groups:
  - { name: pcs, model: surface-pro, count: 1, flow: windows-byod }
`, "a.yaml", ctx);
    expect(s.faults).toEqual([
      {
        match: { platform: "windows", step: "enroll.rst" },
        soapFault: { subcode: "s:EnrollmentServer", reason: "scheduled maintenance", type: "InMaintenance", message: "scheduled maintenance" },
        name: "windows-enroll-fault",
        origin: "embedded.windows.fault (step enroll)",
      },
    ]);
    expect(s.server.kind === "embedded" && s.server.platforms.windows).toEqual({ maxMsgSize: 4096 });
  });

  it("embedded.apple.fault first-authenticate-500 / checkin-401 and embedded.scep.fault truncated become entries; other faults stay with the server", () => {
    const apple = (fault: string) =>
      parseScenario(`name: a\nembedded:\n  apple: { fault: ${fault} }\ngroups:\n  - { name: p, model: iphone-15, count: 1, flow: ios-profile }\n`, "a.yaml", ctx);
    const first = apple("first-authenticate-500");
    expect(first.faults).toEqual([{ match: { platform: "apple", step: "checkin.authenticate", nth: 1 }, mdmStatus: 500, name: "first-authenticate-500", origin: "embedded.apple.fault (first-authenticate-500)" }]);
    expect(first.server.kind === "embedded" && first.server.platforms.apple).toEqual({});
    expect(apple("checkin-401").faults?.[0]).toMatchObject({ mdmStatus: 401, match: { method: "PUT", url: "*/apple/checkin" } });
    const scep = (fault: string) => parseScenario(`name: s\nembedded:\n  scep: { fault: ${fault}, pending: 1 }\ngroups:\n  - { name: p, model: iphone-15, count: 1, flow: scep }\n`, "s.yaml", ctx);
    const truncated = scep("truncated");
    expect(truncated.faults).toEqual([{ match: { url: "*operation=PKIOperation*" }, truncate: { ratio: 0.5 }, name: "scep-truncated", origin: "embedded.scep.fault (truncated)" }]);
    expect(truncated.server.kind === "embedded" && truncated.server.scep).toEqual({ challenge: "enrollsim-challenge", pending: 1, ra: false, validityDays: 365 });
    expect(scep("unknown-signer").server).toMatchObject({ scep: { fault: "unknown-signer" } }); // needs the CA's key: stays with the CA
    const android = parseScenario(`name: h\nembedded:\n  android: { amapi: { fault: stall, pendingCommands: 2 }, headwind: { fault: transient-404 } }\ngroups:\n  - { name: p, model: iphone-15, count: 1, flow: scep }\n`, "h.yaml", ctx);
    expect(android.faults).toEqual([
      { match: { platform: "android", url: "*/android/amapi/device/v1/*" }, noAnswer: true, name: "amapi-stall", origin: "embedded.android.amapi.fault (stall)" },
      expect.objectContaining({ match: { platform: "android", method: "GET", url: "*/android/hmdm/rest/public/sync/configuration/*", nth: 1 }, status: expect.objectContaining({ code: 404 }), name: "headwind-transient-404" }),
    ]);
    expect(android.server.kind === "embedded" && android.server.platforms.android).toEqual({ amapi: { pendingCommands: 2 }, headwind: {} });
    const apk = parseScenario(`name: a\nembedded:\n  android: { profiles: { cut: { fault: apk-truncated, checksum: package }, odd: { fault: apk-corrupt } } }\ngroups:\n  - { name: p, model: iphone-15, count: 1, flow: scep }\n`, "a.yaml", ctx);
    expect(apk.faults).toEqual([{ match: { platform: "android", url: "*/android/apk/*profile=cut" }, truncate: { ratio: 0.5 }, name: "android-apk-truncated", origin: "embedded.android.profiles.cut.fault (apk-truncated)" }]);
    // The profile keeps its other settings; a fault that is not a wire fault (a different APK) stays with the server.
    expect(apk.server.kind === "embedded" && apk.server.platforms.android).toEqual({ profiles: { cut: { checksum: "package" }, odd: { fault: "apk-corrupt" } } });
    // The profile faults are what the server builds (embedded.apple.profile edits); the loader names the replacement.
    expect(() => apple("no-anchor")).toThrow(/profile: \{ remove: \[com\.apple\.security\.root\] \}/);
    expect(() => apple("unsigned-profile")).toThrow(/signProfile: false/);
    // command-html was removed: a status fault on ServerURL says the same, and the loader says so.
    expect(() => apple("command-html")).toThrow(/a fault that answers the command channel with the maintenance page/);
  });
});

describe("faults: against the real step registry", () => {
  it("every shipped scenario with faults loads without warnings; a misspelt step gets one with a did-you-mean", async () => {
    const { loadScenario } = await import("../../../src/api/run-scenario.js");
    const { readdirSync, readFileSync, writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const files = ["scenarios/faults", "scenarios/failures"].flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".yaml")).map((f) => join(d, f)));
    const withFaults = files.filter((f) => /^faults:|^ {4}faults:/m.test(readFileSync(f, "utf8")));
    expect(withFaults.length).toBeGreaterThanOrEqual(7);
    for (const f of withFaults) expect([f, (await loadScenario(f)).warnings]).toEqual([f, undefined]);
    const typo = join(mkdtempSync(join(tmpdir(), "enrollsim-steps-")), "t.yaml");
    writeFileSync(typo, readFileSync("scenarios/faults/windows-discovery-nxdomain.yaml", "utf8").replace("step: discovery.dns", "step: discovery.dsn"));
    expect((await loadScenario(typo)).warnings).toEqual([expect.stringMatching(/warning: groups\[0\]\.faults\[0\]\.match\.step "discovery\.dsn" matches no step of the flows it reaches \(windows-byod\); known steps: .* \(did you mean "discovery\.dns"\?\)$/)]);
  }, 30_000);
});
