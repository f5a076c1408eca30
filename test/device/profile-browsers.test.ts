// SPDX-License-Identifier: MIT
/**
 * The browser table (devices/profile-installers/browsers.yaml, src/device/profile-browsers.ts): the shipped rows the
 * fleetdm/fleet#39996 ticket needs, a user's rows overriding them, and bad rows refused with file:line:column.
 */
import { describe, expect, it } from "vitest";
import { loadProfileInstallPaths } from "../../src/runner/catalog-files.js";
import { parseBrowserRows } from "../../src/device/profile-browsers.js";
import { ProfileInstallPathCatalog, parseProfileInstallerFile } from "../../src/device/profile-install-paths.js";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("browser table", () => {
  it("ships Safari with the session and Chrome/Brave on iOS without it, each with its source; an iPad uses the ios rows", () => {
    const t = loadProfileInstallPaths();
    expect(t.browser("safari", "ios", "17.5.1")).toMatchObject({ name: "Safari", download: "with-session" });
    expect(t.browser("chrome", "ios", "17.5.1")).toMatchObject({ name: "Chrome", download: "without-session", source: expect.stringContaining("fleetdm/fleet/issues/39996") as unknown as string });
    expect(t.browser("brave", "ipados", "18.0")).toMatchObject({ name: "Brave", download: "without-session" });
    expect(t.browser("chrome", "macos", "15.0")).toBeUndefined();
    expect(t.browser("firefox", "ios", "17.5.1")).toBeUndefined();
    // The install path rows beside them are unchanged.
    expect(t.forDevice("ios", "14.6").path).toBe("queued");
    expect(t.rows.every((r) => !("browser" in r))).toBe(true);
  });

  it("a user's row (--devices DIR/profile-installers) overrides a shipped one for its releases only", () => {
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-browsers-"));
    mkdirSync(join(dir, "profile-installers"));
    writeFileSync(join(dir, "profile-installers", "mine.yaml"), 'browsers:\n  - { browser: chrome, name: Chrome, platform: ios, from: "26.0", download: with-session, source: "my capture" }\n');
    const t = loadProfileInstallPaths(dir);
    expect(t.browser("chrome", "ios", "26.1")).toMatchObject({ download: "with-session", source: "my capture" });
    expect(t.browser("chrome", "ios", "18.6")).toMatchObject({ download: "without-session" });
  });

  it("refuses a bad row with file:line:column and what was expected", () => {
    expect(() => parseBrowserRows("browsers:\n  - { browser: chrome, name: Chrome, platform: ios, download: no-cookies, source: x }\n", "b.yaml")).toThrow(/b\.yaml:2:\d+[\s\S]*with-session \| without-session|download is "no-cookies"/);
    expect(() => parseBrowserRows("browsers:\n  - { browser: chrome, name: Chrome, platform: ios, download: with-session }\n", "b.yaml")).toThrow(/source is missing/);
    expect(() => parseBrowserRows("browsers:\n  - { browser: Chrome, name: Chrome, platform: ios, download: with-session, source: x }\n", "b.yaml")).toThrow(/browser is "Chrome"/);
    expect(() => parseBrowserRows("browsers:\n  - { browser: chrome, name: Chrome, platform: android, download: with-session, source: x }\n", "b.yaml")).toThrow(/platform is "android"/);
    expect(() => parseBrowserRows("browsers:\n  - { browser: chrome, nam: Chrome, platform: ios, download: with-session, source: x }\n", "b.yaml")).toThrow(/unknown field "nam"/);
  });

  it("a file of the directory holds paths, browsers, or both; neither is refused", () => {
    const both = parseProfileInstallerFile('paths:\n  - { platform: ios, releases: ["14.6"], path: queued, source: x }\nbrowsers:\n  - { browser: chrome, name: Chrome, platform: ios, download: without-session, source: y }\n', "f.yaml");
    const t = new ProfileInstallPathCatalog(both);
    expect(t.rows).toHaveLength(1);
    expect(t.browsers).toHaveLength(1);
    expect(() => parseProfileInstallerFile("other: 1\n", "f.yaml")).toThrow(/missing `paths:` list/);
  });
});
