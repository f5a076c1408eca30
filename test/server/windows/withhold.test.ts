// SPDX-License-Identifier: MIT
/** embedded.windows.withhold: what the server is set up to send but never sends. */
import { describe, expect, it } from "vitest";
import { withholdCommands } from "../../../src/server/windows/withhold.js";
import type { Command } from "../../../src/wire/windows/syncml.js";

const replace = (target: string): Command => ({ verb: "Replace", items: [{ target, meta: { format: "chr" }, data: "x" }] });

describe("withholdCommands", () => {
  const queue: Command[] = [
    { verb: "Atomic", items: [], children: [replace("./Device/Vendor/MSFT/DMClient/Provider/P/FirstSyncStatus/ExpectedPolicies"), replace("./Device/Vendor/MSFT/Policy/Config/Defender/AllowRealtimeMonitoring")] },
    replace("./Device/Vendor/MSFT/OfflineDomainJoin/Blob"),
    replace("./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart"),
    { verb: "Get", items: [{ target: "./DevDetail/SwV" }, { target: "./Device/Vendor/MSFT/OfflineDomainJoin/Blob" }] },
  ];

  it("drops the matching commands and items (inside Atomic too), keeps everything else in order", () => {
    const out = withholdCommands(queue, ["./Device/Vendor/MSFT/OfflineDomainJoin/*", "./device/vendor/msft/policy/config/defender/*"]);
    expect(out.map((c) => [c.verb, ...(c.children ?? []).map((k) => k.items[0]!.target), ...c.items.map((i) => i.target)])).toEqual([
      ["Atomic", "./Device/Vendor/MSFT/DMClient/Provider/P/FirstSyncStatus/ExpectedPolicies"],
      ["Replace", "./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart"],
      ["Get", "./DevDetail/SwV"],
    ]);
  });

  it("an Atomic whose every child is withheld goes too; no globs changes nothing", () => {
    const atomic: Command = { verb: "Atomic", items: [], children: [replace("./Device/Vendor/MSFT/OfflineDomainJoin/Blob")] };
    expect(withholdCommands([atomic], ["./Device/Vendor/MSFT/OfflineDomainJoin/Blob"])).toEqual([]);
    expect(withholdCommands(queue, [])).toEqual(queue);
  });
});
