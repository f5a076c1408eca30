// SPDX-License-Identifier: MIT
/**
 * The User-Agent Safari sends on web enrollment (the enrollment portal, `portal.login`, and the profile download,
 * `profile.download`), by platform, release and the device's "Request Desktop Website" setting (device state
 * `safari.requestDesktopWebsite`). Servers that pick their answer by the browser read this header (vendor portals
 * offer the profile of the platform they read from it: Hexnode, "Apple User Enrollment for iOS devices": "If Safari
 * is in Desktop Site View, only the Device Enrollment profile can be downloaded").
 *
 * | device | setting | User-Agent |
 * |---|---|---|
 * | iPhone | off (default) | `Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1` |
 * | iPad, iPadOS before 13 | off (default) | the same with `(iPad; CPU OS 12_5_7 like Mac OS X)` |
 * | iPad, iPadOS 13+ | on (default: "desktop-class browsing") | the Mac's string: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) … Version/17.5 Safari/605.1.15` |
 * | iPhone / iPad | on | the Mac's string |
 * | Mac | — | `Intel Mac OS X 10_15_7` on macOS 11 and later (the version is frozen), the real `10_x_y` before |
 *
 * Sources: Safari on iPadOS 13 "no longer identifies itself … with the iOS Safari User Agent (UA) string, but with
 * the MacOS Safari one instead … 'Request desktop site' … This will now be the default" (C. Morey, "Safari on
 * iPadOS13 – a web dev's guide", 2019; a captured iPadOS 13.1 string: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15)
 * … Version/13.0.1 Safari/605.1.15`); macOS 14.5 Safari 17.5 sends `Intel Mac OS X 10_15_7` (N. Leenheer, "Trouble
 * happens when you update a version number", 2024: frozen since the macOS 11 betas broke version checks).
 * Assumptions (not published per release): the `Version/` token is the OS major.minor on iPhone/iPad and, on a Mac,
 * the Safari that shipped with the release (macOS 11 → 14, … 15 → 18; 10.x → x − 2: 10.12 → Safari 10,
 * 10.15 → 13); an iPad in desktop mode sends `10_15_7` (the 13.1 capture shows `10_15`); `Mobile/15E148` is the
 * frozen build token of current iOS strings.
 */
import { compareVersions } from "../../wire/version.js";
import type { AppleDevice } from "./state.js";

const WEBKIT = "AppleWebKit/605.1.15 (KHTML, like Gecko)";

const majorMinor = (v: string): string => v.split(".").slice(0, 2).join(".");

/** The Safari release that shipped with a macOS release (assumption, see the file comment). */
function macSafari(version: string): string {
  const [major, minor] = version.split(".").map(Number) as [number, number?];
  if (major === 10) return `${(minor ?? 0) - 2}.0`;
  return major >= 26 ? `${major}.0` : `${major + 3}.0`;
}

/** The device asks for desktop websites: its setting, else the platform default (iPad on iPadOS 13+). */
export function requestsDesktopWebsite(dev: AppleDevice): boolean {
  if (dev.osName === "macOS") return true;
  const set = dev.ctx.identity.state?.safari?.requestDesktopWebsite;
  if (set !== undefined) return set;
  return dev.ctx.identity.platform === "ipados" && compareVersions(dev.osVersion, "13.0") >= 0;
}

/** Safari's User-Agent on this device now. */
export function safariUserAgent(dev: AppleDevice): string {
  const v = dev.osVersion;
  if (dev.osName === "macOS") {
    const os = compareVersions(v, "11.0") >= 0 ? "10_15_7" : v.replace(/\./g, "_");
    return `Mozilla/5.0 (Macintosh; Intel Mac OS X ${os}) ${WEBKIT} Version/${macSafari(v)} Safari/605.1.15`;
  }
  if (requestsDesktopWebsite(dev)) return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${WEBKIT} Version/${majorMinor(v)} Safari/605.1.15`;
  const u = v.replace(/\./g, "_");
  const platform = dev.ctx.identity.platform === "ipados" ? `iPad; CPU OS ${u} like Mac OS X` : `iPhone; CPU iPhone OS ${u} like Mac OS X`;
  return `Mozilla/5.0 (${platform}) ${WEBKIT} Version/${majorMinor(v)} Mobile/15E148 Safari/604.1`;
}
