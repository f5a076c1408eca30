// SPDX-License-Identifier: MIT
/**
 * MFA to register or join devices (server/policy/join-mfa.ts), end to end over loopback: the shipped pair
 * win-entra-join-mfa-required-{failing,fixed}.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runWithRecords } from "../support/run-with-records.js";

const opts = { keyPoolSize: 24, progress: false as const };
const failures = (name: string) => join(import.meta.dirname, "../../scenarios/failures", `${name}.yaml`);
const T = 120_000;

const run = (file: string) => runWithRecords(file, opts);

describe("Require multifactor authentication to register or join devices", () => {
  it(
    "a user with no registered method ends at AADSTS50072 in OOBE and never joins; a user with one answers the prompt and provisions",
    async () => {
      const { summary, records } = await run(failures("win-entra-join-mfa-required-failing"));
      expect(summary).toMatchObject({ devices: 3, enrolled: 1, failed: 2, ok: true });
      const refused = summary.errors["windows.auth.federated-refused"]!;
      expect(refused).toMatchObject({ count: 2, step: "auth.federated" });
      expect(refused.shown).toMatchObject({ code: "0xCAA2000C", cause: { code: "AADSTS50072" } });
      // Only Ana's PC has a directory object: Ben's never reached the join.
      expect(records.directory.filter((o) => o.joinedAt !== undefined).map((o) => o.owner)).toEqual(["ana@contoso.com"]);
    },
    T,
  );
  it(
    "fixed: both users answer the second factor and every PC joins and provisions",
    async () => {
      const { summary, records } = await run(failures("win-entra-join-mfa-required-fixed"));
      expect(summary).toMatchObject({ devices: 3, enrolled: 3, failed: 0, ok: true });
      expect(records.directory.filter((o) => o.joinedAt !== undefined)).toHaveLength(3);
    },
    T,
  );
});
