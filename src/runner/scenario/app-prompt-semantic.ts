// SPDX-License-Identifier: MIT
/**
 * A warning for a user action the run can never meet: the timeline's `abandon`/`idle` at the
 * app-install prompt (`app.install-prompt`, device/apple/apps.ts) aimed only at devices that never
 * show it. iOS asks before the MDM installs an app only on a device that is not supervised; a Mac
 * never asks. ADE devices on iOS/iPadOS 13 or later are always supervised, Apple Configurator
 * prepares devices supervised, a profile or account-driven enrollment is supervised only when the
 * group's state says so. The warning names what such a device may meet instead: the App Store
 * sign-in (`app.store-sign-in`) for an app without a device licence.
 */
import { compareVersions } from "../../wire/version.js";
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import type { GroupSpec, Scenario, ScenarioContext } from "./types.js";

const PROMPT = "app.install-prompt";

/** Why a group's devices never see the install prompt, or undefined when some may. */
export function neverPrompts(g: GroupSpec, s: Scenario, ctx: ScenarioContext): string | undefined {
  const platform = ctx.modelPlatforms?.[g.model];
  if (platform === "macos" || g.flow.startsWith("macos-")) return "a Mac installs managed apps without asking";
  if (platform !== undefined && platform !== "ios" && platform !== "ipados") return "not an iPhone or iPad";
  if (g.state?.supervised === true) return "state.supervised is true";
  if (g.flow === "ios-configurator") return "Apple Configurator prepares them supervised";
  if (g.flow === "ios-ade") {
    const version = g.state?.os?.version;
    const o = (g.options?.apple ?? {}) as { ade?: { cloudConfig?: { is_supervised?: boolean } } };
    const cc = (s.embedded?.apple as { cloudConfig?: { is_supervised?: boolean } } | undefined)?.cloudConfig;
    const unsupervised = o.ade?.cloudConfig?.is_supervised === false || cc?.is_supervised === false;
    if (version === undefined || compareVersions(version, "13") >= 0) return "Automated Device Enrollment supervises every iPhone and iPad on iOS/iPadOS 13 or later";
    if (!unsupervised) return "the ADE profile supervises them (is_supervised)";
  }
  return undefined;
}

/** Warnings: abandon/idle at the install prompt that no targeted device can reach. */
export function appPromptWarnings(s: Scenario, ctx: ScenarioContext): Issue[] {
  const out: Issue[] = [];
  (s.timeline ?? []).forEach((e, i) => {
    const key = e.abandon ? "abandon" : e.idle ? "idle" : undefined;
    const step = e.abandon?.step ?? e.idle?.step;
    // The exact step only: a glob (app.*) also reaches the App Store sign-in.
    if (!key || step !== PROMPT) return;
    const groups = s.groups.filter((g) => (e.group === undefined || g.name === e.group) && (e.platform === undefined || ctx.modelPlatforms?.[g.model] === e.platform));
    const reasons = groups.map((g) => ({ g, why: neverPrompts(g, s, ctx) }));
    if (!reasons.length || reasons.some((r) => !r.why)) return;
    const whys = reasons.map((r) => `group ${r.g.name}: ${r.why}`).join("; ");
    out.push({
      path: ["timeline", i, key, "step"],
      anchor: "value",
      rank: 1,
      message: `${formatPath(["timeline", i, key, "step"])} "${step}" can never fire: the devices it targets are never asked before an app install (${whys}). A supervised device without a device licence asks for the Apple Account instead: step app.store-sign-in`,
    });
  });
  return out;
}
