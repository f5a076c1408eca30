// SPDX-License-Identifier: MIT
/**
 * The PC's network link in OOBE (device state `networkLink`), read by the Autopilot flows before anything goes on
 * the wire. Sources (Microsoft Learn):
 *
 * - "Windows Autopilot self-deploying mode": "For devices with an Ethernet connection, no user interaction is
 *   required. For devices connected via Wi-Fi, the user must only: Choose the language, locale, and keyboard. Make a
 *   network connection."
 * - Autopilot tutorial, network connectivity (memdocs autopilot/tutorial/includes/network-connectivity.md): without a
 *   wired connection the device "prompts to connect to a network"; the country/region and keyboard screens appear
 *   "even if these screens are set to hidden in the Autopilot profile", since the profile cannot be downloaded yet.
 * - "Windows Autopilot for pre-provisioned deployment": "Physical devices with Ethernet connectivity are required to
 *   complete pre-provisioning. Wi-fi connectivity isn't supported because of the requirement to choose a language,
 *   locale, and keyboard to make that Wi-fi connection."
 *
 * So on Wi-Fi every Autopilot mode first passes the user prompt `oobe.network` (a step the timeline's `idle` and
 * `abandon` act on: an unattended self-deploying kiosk waits there), and pre-provisioning is refused. Assumption:
 * the screen Windows shows when pre-provisioning is started over Wi-Fi is not published; the device shows the
 * requirement, marked as not published, and the outcome is windows.autopilot.wired-connection-required.
 */
import { decoded, step } from "../../protocol/common/context.js";
import type { EnrollRun, WindowsFlowResult } from "./run.js";

export const WIRED_REQUIRED_TEXT =
  "(not published: the screen Windows shows) Pre-provisioning requires a wired (Ethernet) connection: Wi-Fi connectivity isn't supported because of the requirement to choose a language, locale, and keyboard to make that Wi-Fi connection";

/** The OOBE network pages on Wi-Fi; undefined when the flow may go on. */
export async function oobeNetwork(run: EnrollRun): Promise<WindowsFlowResult | undefined> {
  const { o, p, state } = run;
  if (o.kind !== "autopilot" || state.networkLink !== "wifi") return undefined;
  if (o.mode === "pre-provisioned") {
    decoded(p, "oobe.network", { link: "wifi", mode: o.mode, refused: "pre-provisioning needs Ethernet" });
    return { ...run.fail("windows.autopilot.wired-connection-required", "oobe.network", `${WIRED_REQUIRED_TEXT} (state.networkLink: wifi)`), shown: { text: WIRED_REQUIRED_TEXT, screen: "" } };
  }
  // The user at the device chooses region and keyboard and joins the Wi-Fi; the timeline's idle/abandon act here.
  await step(p, "oobe.network", async () => {
    decoded(p, "oobe.network", { link: "wifi", pages: ["region", "keyboard", "network (Wi-Fi)"], note: "shown even when the Autopilot profile hides them: the profile is not downloaded before the connection" });
  });
  return undefined;
}
