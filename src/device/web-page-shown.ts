// SPDX-License-Identifier: MIT
/**
 * What an embedded web view or browser tab shows when the page it opens cannot be loaded: the engine's own error
 * page, from the engine's table (wire/web/chromium-net-errors.ts for Chromium: Chrome custom tabs, Android WebView).
 * A transport case the table does not hold is reported as unknown with its raw value, never a guessed net error.
 */
import type { TransportError } from "../errors/index.js";
import { CHROMIUM_NET_ERRORS, chromiumCode, chromiumPageText } from "../wire/web/chromium-net-errors.js";
import type { Shown, TransportCase } from "./shown.js";

/** Chromium's error page (or certificate interstitial) for a failed page load, on `screen`. */
export function chromiumPageShown(e: TransportError, c: TransportCase, host: string, screen: string): Shown {
  const n = CHROMIUM_NET_ERRORS[c];
  // No net error of Chromium's for this case: what its page says is not known, so the text names the failed load only and
  // enrollsim's transport code stays in the unpublished condition (never in the page's words).
  if (!n) return { text: `The page at ${host} could not be loaded.`, screen: `${screen} (the engine's page for this failure is not published)`, unknown: { raw: `${e.code}${e.detail ? ` (${e.detail})` : ""}`, of: "condition" } };
  return { code: chromiumCode(n), name: `${n.name} (${n.value})`, text: chromiumPageText(n, host), screen };
}
