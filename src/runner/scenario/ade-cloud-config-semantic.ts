// SPDX-License-Identifier: MIT
/**
 * A load-time warning for an ADE cloud configuration given in `options.apple.ade.cloudConfig` with
 * neither `url` nor `configuration_web_url`: the devices have nowhere to ask for their enrollment
 * profile and stay at the Remote Management pane (`apple.ade.no-enrollment-url`,
 * device/apple/ade-enroll-url.ts). Apple's define-profile service refuses such a profile
 * (400 CONFIG_URL_REQUIRED, developer.apple.com/documentation/devicemanagement/define-profile), so it
 * is a warning, not an error: a cloud configuration may also come from elsewhere than Apple, and the
 * failure is what the scenario may mean to show. With `cloudConfigUrl` the options' cloud
 * configuration is not used (the fetched one is), so nothing is said.
 */
import { formatPath } from "./locate.js";
import type { Issue } from "./messages.js";
import type { Scenario } from "./types.js";

interface AdeOptions {
  cloudConfigUrl?: string;
  cloudConfig?: { url?: string; configuration_web_url?: string };
}

const named = (v: unknown): boolean => typeof v === "string" && v.trim() !== "";

/** Warnings: groups whose given cloud configuration names no enrollment URL. */
export function adeCloudConfigWarnings(s: Scenario): Issue[] {
  const out: Issue[] = [];
  s.groups.forEach((g, i) => {
    const ade = (g.options?.apple as { ade?: AdeOptions } | undefined)?.ade;
    const cc = ade?.cloudConfig;
    if (!cc || ade.cloudConfigUrl !== undefined || named(cc.url) || named(cc.configuration_web_url)) return;
    const path = ["groups", i, "options", "apple", "ade", "cloudConfig"];
    out.push({
      path,
      anchor: "key",
      rank: 1,
      message:
        `${formatPath(path)} has neither url nor configuration_web_url: group ${g.name}'s devices get no enrollment profile ` +
        `("Retrieving Enrollment Profile", then the Remote Management pane again: apple.ade.no-enrollment-url), and Apple's define-profile ` +
        `refuses such a profile (400 CONFIG_URL_REQUIRED). Did you mean to add url: /apple/ade/enroll (the MachineInfo POST to the server) ` +
        `or configuration_web_url (the web view)?`,
    });
  });
  return out;
}
