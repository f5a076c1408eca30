// SPDX-License-Identifier: MIT
/**
 * Managed app installs end to end, the device against the embedded server over loopback: the worked
 * pair scenarios/examples/apple-app-install-declined-{failing,fixed}.yaml and the token expiry of
 * scenarios/timeline/apple-vpp-token-expires.yaml. The server learns what came of each install only
 * from the device's ManagedApplicationList replies on the wire.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/api/run-scenario.js";
import { appleServerOf } from "../../src/api/push-report.js";
import type { ReferenceServer } from "../../src/server/reference-server.js";

const file = (p: string) => join(import.meta.dirname, "../../scenarios", p);
const opts = { keyPoolSize: 24, progress: false as const, capacity: false as const };

async function run(p: string) {
  let server: ReferenceServer | undefined;
  const { summary } = await runScenario(file(p), { ...opts, onServer: (s) => (server = s) });
  return { summary, apple: appleServerOf(server)!, records: server!.records() };
}

describe("Apple managed app installs against the embedded server", () => {
  it("failing: unsupervised iPhones are asked; two tap Cancel → UserRejected on the wire, one installs", async () => {
    const { summary, apple, records } = await run("examples/apple-app-install-declined-failing.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.outcomes).toMatchObject({ "apple.enrolled": 3, "apple.app.user-rejected": 2 });
    const statuses = [...apple.devices.values()].map((d) => apple.services.installs.statuses(d.udid)["com.microsoft.CompanyPortal"]).sort();
    expect(statuses).toEqual(["Managed", "UserRejected", "UserRejected"]);
    expect(records.apps!.filter((a) => a.status === "UserRejected")).toHaveLength(2);
    // Both InstallApplication and the follow-up ManagedApplicationList were acknowledged on every device.
    expect(summary.commands?.["apple-mdm"]?.InstallApplication).toEqual({ Acknowledged: 3 });
    expect(summary.commands?.["apple-mdm"]?.ManagedApplicationList?.Acknowledged).toBeGreaterThanOrEqual(3);
    expect(summary.steps["app.install-prompt"]!.count).toBe(1);
  }, 120_000);

  it("fixed: the same iPhones supervised keep the device licence and are never asked", async () => {
    const { summary, apple } = await run("examples/apple-app-install-declined-fixed.yaml");
    expect(summary).toMatchObject({ devices: 3, enrolled: 3, ok: true });
    expect(summary.outcomes).toEqual({ "apple.enrolled": 3 });
    expect(summary.steps["app.install-prompt"]).toBeUndefined();
    expect(summary.steps["app.store-licence"]!.count).toBe(3);
    for (const d of apple.devices.values()) expect(apple.services.installs.statuses(d.udid)).toEqual({ "com.microsoft.CompanyPortal": "Managed" });
  }, 120_000);

  it("the failing pair's expectations do not hold for the fixed network (the pair cannot pass by accident)", async () => {
    const { readFileSync, writeFileSync, mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const failing = readFileSync(file("examples/apple-app-install-declined-failing.yaml"), "utf8");
    const fixedGroups = failing.replaceAll("supervised: false", "supervised: true");
    const dir = mkdtempSync(join(tmpdir(), "enrollsim-apps-"));
    writeFileSync(join(dir, "mixed.yaml"), fixedGroups.replace("../scenario.schema.json", "scenario.schema.json"));
    const { summary } = await runScenario(join(dir, "mixed.yaml"), opts);
    expect(summary.ok).toBe(false);
  }, 120_000);

  it("timeline expire: vpp-token mid-rollout: two iPhones licensed and Managed, the next two refused with 9621 and never sent the app", async () => {
    const { summary, apple, records } = await run("timeline/apple-vpp-token-expires.yaml");
    expect(summary).toMatchObject({ devices: 4, enrolled: 4, ok: true });
    expect(apple.services.licenceRefusals.map((r) => r.code)).toEqual(["9621", "9621"]);
    expect(records.apps!.filter((a) => a.status === "Managed").map((a) => a.app)).toEqual(["com.contoso.field", "com.contoso.field"]);
    expect(summary.actions?.[0]).toMatchObject({ action: "expire", result: expect.stringContaining("9621") });
  }, 120_000);
});
