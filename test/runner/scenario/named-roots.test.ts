// SPDX-License-Identifier: MIT
/** Bad input for named roots (`embedded.tls.certificate.root`, `crossSign`, `privateRoots`, `state.trustedRoots`): file:line:column, expected, did-you-mean. */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import { loadCatalog } from "../../../src/runner/catalog-files.js";
import { parseScenario } from "../../../src/runner/scenario/load.js";

const catalog = loadCatalog();
const ctx = { modelIds: catalog.ids(), flows: ["ios-profile", "scep"] };
const doc = (embedded: string, state = "") => `name: t\nserver: embedded\n${embedded}groups:\n  - { name: phones, model: iphone-15, count: 2, flow: ios-profile${state} }\nlimits: { durationSeconds: 300 }\n`;

function error(yaml: string): string {
  try {
    parseScenario(yaml, "s.yaml", ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return `${(e as ScenarioError).message} | expected: ${(e as ScenarioError).expected}`;
  }
  return "no error";
}

describe("named roots at load", () => {
  it("accepts public roots, a cross-sign, an omitted intermediate, private roots and installed roots", () => {
    const s = parseScenario(
      doc(
        'embedded:\n  tls:\n    privateRoots: [{ name: Contoso Root CA, subject: "CN=Contoso Root CA,O=Contoso", notBefore: "-2000d", validityDays: 7300, key: ec-p384 }]\n    certificate: { root: ISRG Root X1, crossSign: { by: DST Root CA X3, notAfter: "2024-09-30T18:14:03Z" }, intermediate: { name: R3, send: false } }\n    endpoints: [{ path: /scep, certificate: { root: Contoso Root CA } }]\n',
        ", state: { trustedRoots: [Contoso Root CA, ISRG Root X1] }",
      ),
      "s.yaml",
      ctx,
    );
    expect(s.server).toMatchObject({ tls: { certificate: { root: "ISRG Root X1", crossSign: { by: "DST Root CA X3" }, intermediate: { send: false } } } });
    expect(s.groups[0]!.state).toEqual({ trustedRoots: ["Contoso Root CA", "ISRG Root X1"] });
  });

  it("an unknown root name, in a chain, a cross-sign or a device's installed roots: where, what is known, did-you-mean", () => {
    expect(error(doc("embedded:\n  tls:\n    certificate: { root: ISRG Root X2 }\n"))).toMatch(/s\.yaml:5:26: unknown root "ISRG Root X2" \(did you mean "ISRG Root X1"\?\)/);
    expect(error(doc("embedded:\n  tls:\n    certificate: { root: ISRG Root X1, crossSign: { by: DST Root CA X4 } }\n"))).toMatch(/s\.yaml:5:57: unknown root "DST Root CA X4" \(did you mean "DST Root CA X3"\?\)/);
    const m = error(doc("", ", state: { trustedRoots: [Contoso Root] }"));
    expect(m).toMatch(/s\.yaml:4:92: unknown root "Contoso Root"/);
    expect(m).toMatch(/expected: a public root of devices\/trust-stores\/roots\.yaml \(ISRG Root X1, DST Root CA X3, .*\) or a name of embedded\.tls\.privateRoots/);
  });

  it("embedded.apple.profileRoots: reference or a known root; payloadType and certificateTrustSettings are checked by the schema", () => {
    const ok = doc(
      "embedded:\n  tls:\n    privateRoots: [{ name: Contoso Root CA }]\n  apple:\n    profileRoots: [{ root: reference }, { root: Contoso Root CA, payloadType: com.apple.security.pem }]\n",
      ", state: { certificateTrustSettings: { fullTrust: [Contoso Root CA] } }",
    );
    expect(parseScenario(ok, "s.yaml", ctx).groups[0]!.state).toEqual({ certificateTrustSettings: { fullTrust: ["Contoso Root CA"] } });
    const m = error(doc("embedded:\n  tls:\n    privateRoots: [{ name: Contoso Root CA }]\n  apple:\n    profileRoots: [{ root: Contoso Root }]\n"));
    expect(m).toMatch(/s\.yaml:7:28: unknown root "Contoso Root" \(did you mean "Contoso Root CA"\?\)/);
    expect(m).toMatch(/expected: reference \(the server's own CA\), a name of embedded\.tls\.privateRoots/);
    expect(error(doc("embedded:\n  apple:\n    profileRoots: [{ root: ISRG Root X1 }]\n"))).toMatch(/public root "ISRG Root X1" is generated only for a scenario with embedded\.tls/);
    expect(error(doc("embedded:\n  apple:\n    profileRoots: [{ root: reference, payloadType: com.apple.security.der }]\n"))).toMatch(/s\.yaml:5:/);
    expect(error(doc("", ", state: { certificateTrustSettings: { fullTrust: everything } }"))).toMatch(/s\.yaml:4:/);
  });

  it("the timeline installs roots with set: { state.trustedRoots }: a list of known names", () => {
    const tl = (v: string) => `${doc("embedded:\n  tls:\n    privateRoots: [{ name: Contoso Root CA }]\n")}timeline:\n  - { at: 10s, group: phones, set: { state.trustedRoots: ${v} } }\n`;
    expect(parseScenario(tl("[Contoso Root CA]"), "s.yaml", ctx).timeline).toHaveLength(1);
    expect(error(tl("[Contoso Root]"))).toMatch(/s\.yaml:10:59: unknown root "Contoso Root" \(did you mean "Contoso Root CA"\?\)/);
    expect(error(tl("Contoso Root CA"))).toMatch(/s\.yaml:10:58: timeline\[0\]\.set\["state\.trustedRoots"\] must be a list of root names \(got "Contoso Root CA"\)/);
  });

  it("crossSign needs a root; a root cannot cross-sign itself; a private root cannot take a public name", () => {
    expect(error(doc("embedded:\n  tls:\n    certificate: { crossSign: { by: DST Root CA X3 } }\n"))).toMatch(/s\.yaml:5:20: crossSign needs `root`/);
    expect(error(doc("embedded:\n  tls:\n    certificate: { root: ISRG Root X1, crossSign: { by: ISRG Root X1 } }\n"))).toMatch(/a root cannot cross-sign itself/);
    expect(error(doc("embedded:\n  tls:\n    privateRoots: [{ name: ISRG Root X1 }]\n"))).toMatch(/s\.yaml:5:28: private root "ISRG Root X1" has the name of a public root/);
  });

  it("a cross-sign date that is not a UTC instant, and a key outside the vocabulary", () => {
    expect(error(doc('embedded:\n  tls:\n    certificate: { root: ISRG Root X1, crossSign: { by: DST Root CA X3, notAfter: "30/09/2024" } }\n'))).toMatch(/notAfter must be a UTC date or instant such as "2024-09-30T18:14:03Z"/);
    expect(error(doc("embedded:\n  tls:\n    privateRoots: [{ name: Contoso Root CA, key: rsa-1024 }]\n"))).toMatch(/privateRoots\[0\]\.key must be one of rsa-2048, rsa-3072, ec-p256, ec-p384/);
  });
});
