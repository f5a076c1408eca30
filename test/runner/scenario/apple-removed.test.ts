// SPDX-License-Identifier: MIT
/**
 * Removed one-scenario knobs (issue 10): a scenario still using one gets a load-time error at the
 * key's file:line:column saying what replaced it (runner/scenario/removed.ts), not a bare
 * "unknown property".
 */
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../../src/errors/index.js";
import type { ScenarioContext } from "../../../src/runner/scenario/types.js";
import { scenarioLoadError } from "../../support/scenario-load-error.js";

const context: ScenarioContext = { modelIds: ["iphone-15"], flows: ["ios-profile", "ios-ade"] };

const loadError = (text: string): ScenarioError => scenarioLoadError(text, "old.yaml", context);

const group = (flow: string, apple: string) => `name: old\ngroups:\n  - name: g\n    model: iphone-15\n    count: 1\n    flow: ${flow}\n    options:\n      apple:\n${apple}`;

describe("removed Apple knobs", () => {
  it.each([
    ["ios-profile", "        restoredStaleIdentity: true\n", "9:9", "restoredStaleIdentity", "ios-restore-expired-identity.yaml"],
    ["ios-profile", "        restoreBackupAfter: local-reset\n", "9:9", "restoreBackupAfter", "ios-local-reset-vs-remote-wipe-restore.yaml"],
    ["ios-ade", "        ade:\n          restoredFromOwnBackup: true\n", "10:11", "restoredFromOwnBackup", "ios-restore-same-device.yaml"],
  ])("%s %s: says what replaced it, at the key", (flow, apple, position, key, example) => {
    const e = loadError(group(flow, apple));
    expect(e.location).toBe(`old.yaml:${position}`);
    expect(e.message).toContain(`options.apple.${key === "restoredFromOwnBackup" ? "ade." : ""}${key} was removed; it is replaced by`);
    expect(e.message).toContain(example);
    expect(e.message).not.toContain("did you mean");
    expect(e.expected).toContain("timeline");
  });

  it("options.apple.companyPortal.tapsBegin: a timeline abandon at cp.register", () => {
    const e = loadError(group("ios-ade", "        companyPortal:\n          tapsBegin: false\n"));
    expect(e.location).toBe("old.yaml:10:11");
    expect(e.message).toContain("options.apple.companyPortal.tapsBegin was removed; it is replaced by the timeline");
    expect(e.message).toContain("abandon: { step: cp.register }");
    expect(e.message).toContain("ios-cp-begin-never-tapped.yaml");
  });

  it("options.apple.installRetries: the timeline's Try Again", () => {
    const e = loadError(group("ios-profile", "        installRetries: 1\n"));
    expect(e.location).toBe("old.yaml:9:9");
    expect(e.message).toContain("options.apple.installRetries was removed; it is replaced by the timeline's Try Again");
    expect(e.message).toContain("tryAgain: { times: 1 }");
  });

  it("options.apple.configurator.affiliateAfterSeconds: a timeline idle at configurator.affinity", () => {
    const e = loadError(group("ios-profile", "        configurator:\n          affiliateAfterSeconds: 6\n"));
    expect(e.location).toBe("old.yaml:10:11");
    expect(e.message).toContain("options.apple.configurator.affiliateAfterSeconds was removed; it is replaced by the timeline");
    expect(e.message).toContain("idle: { step: configurator.affinity");
  });

  it("an unknown key that was never an option still gets the usual did-you-mean", () => {
    expect(loadError(group("ios-profile", "        signatur: accept\n")).message).toContain('(did you mean "signature"?)');
  });
});

describe("removed Apple server keys", () => {
  it.each([
    ["profileChallengeLifetimeSeconds: 2", "profileChallengeLifetimeSeconds", "scepChallenge: { lifetimeSeconds: N }"],
    ["ndes: { challengeLifetimeSeconds: 4 }", "ndes", "scepChallenge: { checkedBy: ndes"],
  ])("embedded.apple.%s: one scepChallenge setting replaces both lifetimes", (yaml, key, replacement) => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { ${yaml} }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\n`);
    expect(e.location).toBe("old.yaml:4:12");
    expect(e.message).toContain(`embedded.apple.${key} was removed; it is replaced by embedded.apple.${replacement}`);
  });

  it("options.apple.installDelaySeconds: a timeline idle at profile.scep", () => {
    const e = loadError(group("ios-profile", "        installDelaySeconds: 3\n"));
    expect(e.message).toContain("idle: { step: profile.scep");
  });
});

describe("the enforced software update: the ADE profile's minimum OS and the device's own OS", () => {
  it("embedded.apple.requireOsVersion: the profile's minimumOs", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { requireOsVersion: { osVersion: "26.0" } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-ade }\n`);
    expect(e.location).toBe("old.yaml:4:12");
    expect(e.message).toContain("embedded.apple.requireOsVersion was removed; it is replaced by the ADE enrollment profile's minimum OS");
    expect(e.message).toContain('minimumOs: { version: "26.0"');
    expect(e.message).toContain("apple-ade-software-update-required.yaml");
  });

  it("options.apple.ade.allowSoftwareUpdate: what the device's OS does, the timeline or a fault at ade.software-update", () => {
    const e = loadError(group("ios-ade", "        ade:\n          allowSoftwareUpdate: true\n"));
    expect(e.location).toBe("old.yaml:10:11");
    expect(e.message).toContain("options.apple.ade.allowSoftwareUpdate was removed; it is replaced by what the device's OS does");
    expect(e.message).toContain("ade.software-update");
  });
});

describe("user affinity: one Configurator profile setting for direct enrollment and Configurator", () => {
  it("embedded.apple.directEnrollment: the Configurator profile's userAffinity", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { directEnrollment: { userAffinity: true } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-profile }\n`);
    expect(e.location).toBe("old.yaml:4:12");
    expect(e.message).toContain("embedded.apple.directEnrollment was removed; it is replaced by the Apple Configurator profile's user affinity");
    expect(e.message).toContain("configurator: { userAffinity: true }");
  });
});

describe("an erased device is device state", () => {
  it("options.apple.ade.eraseIfActivated: state activated false", () => {
    const e = loadError(group("ios-ade", "        ade:\n          eraseIfActivated: true\n"));
    expect(e.location).toBe("old.yaml:10:11");
    expect(e.message).toContain("options.apple.ade.eraseIfActivated was removed; it is replaced by device state");
    expect(e.message).toContain("state: { activated: false }");
  });
});

describe("the macOS approval prompt is a step", () => {
  it("options.apple.userApprovesProfile: the timeline's abandon at profile.approve", () => {
    const e = loadError(group("ios-profile", "        userApprovesProfile: false\n"));
    expect(e.location).toBe("old.yaml:9:9");
    expect(e.message).toContain("options.apple.userApprovesProfile was removed; it is replaced by the timeline");
    expect(e.message).toContain("abandon: { step: profile.approve }");
  });
});

describe("MFA on the legacy Setup Assistant sign-in is the tenant's conditional access", () => {
  it("embedded.apple.identityProvider: embedded.policy.conditionalAccess.requireMfa", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { identityProvider: { federated: true, mfa: third-party } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-ade }\n`);
    expect(e.location).toBe("old.yaml:4:12");
    expect(e.message).toContain("embedded.apple.identityProvider was removed; it is replaced by the tenant's conditional access");
    expect(e.message).toContain("requireMfa: true");
  });
});

describe("a release from Apple Business Manager is the timeline's record deletion aimed at ABM", () => {
  it("embedded.policy.ade.released: deleteRecords in abm", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  policy:\n    ade: { released: ["%SERIAL@g%"] }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-ade }\n`);
    expect(e.location).toBe("old.yaml:5:12");
    expect(e.message).toContain("embedded.policy.ade.released was removed; it is replaced by the timeline's record deletion in Apple Business Manager");
    expect(e.message).toContain("deleteRecords: { in: abm }");
  });
});

describe("a restrictions payload is one more payload the server adds to its profile", () => {
  it("embedded.apple.restrictions: embedded.apple.profile.add", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { restrictions: { allowHostPairing: false } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-ade }\n`);
    expect(e.location).toBe("old.yaml:4:12");
    expect(e.message).toContain("embedded.apple.restrictions was removed; it is replaced by a payload the server adds to its enrollment profile");
    expect(e.message).toContain("PayloadType: com.apple.applicationaccess, allowHostPairing: false");
  });
});

describe("a user's MDM licence is directory data", () => {
  it("embedded.apple.account.unlicensedUsers: embedded.policy.directory.users[].licensed", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { account: { unlicensedUsers: [a@example.org] } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-user-enrollment }\n`);
    expect(e.message).toContain("embedded.apple.account.unlicensedUsers was removed; it is replaced by the tenant's directory");
    expect(e.message).toContain("licensed: false");
  });
});

describe("a refused discovery is a fault answering the .well-known request", () => {
  it("embedded.apple.account.wellKnown: a status fault at account.well-known", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { account: { wellKnown: failed } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-user-enrollment }\n`);
    expect(e.message).toContain("embedded.apple.account.wellKnown was removed; it is replaced by a fault that answers the discovery request");
    expect(e.message).toContain("com.apple.well-known.failed");
  });
});

describe("the MDM authority is tenant policy", () => {
  it("embedded.apple.account.mdmAuthorityDefined: embedded.policy.mdmAuthority", () => {
    const e = loadError(`name: old\nserver: embedded\nembedded:\n  apple: { account: { mdmAuthorityDefined: false } }\ngroups:\n  - { name: g, model: iphone-15, count: 1, flow: ios-user-enrollment }\n`);
    expect(e.message).toContain("embedded.apple.account.mdmAuthorityDefined was removed; it is replaced by the tenant's MDM authority");
    expect(e.message).toContain("mdmAuthority: none");
  });
});

describe("USB host connection is a timeline device action", () => {
  it("options.apple.connectToHost: the timeline's connectHost, at the key", () => {
    const e = loadError(group("ios-ade", "        connectToHost: finder\n"));
    expect(e.location).toBe("old.yaml:9:9");
    expect(e.message).toContain("options.apple.connectToHost was removed; it is replaced by the timeline's device action");
    expect(e.message).toContain("connectHost: { host: finder }");
    expect(e.message).toContain("ios-sync-deny-all.yaml");
  });
});

describe("options.apple.clientFault is removed: each former value is a general mechanism", () => {
  it("checkin-without-content-type: contentType in request", () => {
    const e = loadError(group("ios-profile", "        clientFault: checkin-without-content-type\n"));
    expect(e.location).toBe("old.yaml:9:9");
    expect(e.message).toContain('contentType: { in: request, value: "" }');
  });

  it("tokenupdate-before-authenticate: a fault that answers the Authenticate in the server's place", () => {
    const e = loadError(group("ios-profile", "        clientFault: tokenupdate-before-authenticate\n"));
    expect(e.message).toContain("step: checkin.authenticate }, status: { code: 200 }");
    expect(e.message).toContain("apple-tokenupdate-before-authenticate.yaml");
  });

  it("old-identity-after-reenroll: reset + setUpAgain, then a restore of the previous backup", () => {
    const e = loadError(group("ios-profile", "        clientFault: old-identity-after-reenroll\n"));
    expect(e.location).toBe("old.yaml:9:9");
    expect(e.message).toContain("options.apple.clientFault was removed; it is replaced by general mechanisms");
    expect(e.message).toContain("restore: { backup: previous }");
    expect(e.message).toContain("apple-reenroll-old-identity-rejected.yaml");
  });
});
