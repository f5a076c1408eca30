// SPDX-License-Identifier: MIT
/**
 * `embedded.windows.withhold`: configuration the server is set up to send but never sends. In the
 * field this is what a failed producer looks like from the device: the Intune Connector for Active
 * Directory without rights on the OU creates no offline-domain-join blob (hybrid Autopilot waits at
 * "Join your organization's network", 80070774), or a policy the service lists in the ESP's
 * ExpectedPolicies never arrives (ESP waits until TimeOutUntilSyncFailure). The server still decides
 * and lists everything as before; only the commands whose LocURI matches are dropped from the
 * session (inside Atomic too), so every consequence on the device is the device's own behaviour.
 */
import { globRegExp } from "../../runner/timeline/glob.js";
import type { Command } from "../../wire/windows/syncml.js";

/** LocURIs are matched case-insensitively, as the CSP tree does; percent-encoding is compared as written. */
const matcher = (globs: readonly string[]): ((target: string) => boolean) => {
  const res = globs.map((g) => globRegExp(g, true));
  return (target) => res.some((re) => re.test(target));
};

/** `queue` without the commands (and Atomic/Sequence children) whose every target is withheld; an emptied container goes too. */
export function withholdCommands(queue: readonly Command[], globs: readonly string[]): Command[] {
  if (!globs.length) return [...queue];
  const withheld = matcher(globs);
  const keep = (c: Command): Command | undefined => {
    if (c.children) {
      const children = c.children.map(keep).filter((x): x is Command => !!x);
      return children.length ? { ...c, children } : undefined;
    }
    const items = c.items.filter((i) => !(i.target !== undefined && withheld(i.target)));
    if (items.length === c.items.length) return c;
    return items.length ? { ...c, items } : undefined;
  };
  return queue.map(keep).filter((x): x is Command => !!x);
}
