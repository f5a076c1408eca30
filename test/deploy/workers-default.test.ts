// SPDX-License-Identifier: MIT
/**
 * The image and the Kubernetes Job use every core of a pod (issue 14 item 2): the Dockerfile's
 * default command and the Indexed Job's args pass `--workers auto` to `run`, and the built CLI
 * accepts those exact arguments (checked with --dry-run, which parses them and runs nothing).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, MAIN, ROOT } from "../runner/support/cli.js";

describe("--workers auto in the image and the Job", () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it("the Dockerfile's default command runs with --workers auto", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1];
    const args = JSON.parse(cmd ?? "[]") as string[];
    expect(args[0]).toBe("run");
    expect(args[args.indexOf("--workers") + 1]).toBe("auto");
  });

  it("the Indexed Job's args pass --workers auto and the CLI accepts them", async () => {
    const docs = readFileSync(join(ROOT, "deploy/k8s/enrollsim-job.yaml"), "utf8")
      .split(/^---$/m)
      .map((d) => parse(d) as Record<string, never>);
    const job = docs.find((d) => d.kind === "Job") as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    const args = job.spec.template.spec.containers[0]!.args;
    expect(args[args.indexOf("--workers") + 1]).toBe("auto");
    // the Job's args with the pod-only paths and variables replaced by local ones
    const local = args.map((a) => a.replace("/scenario/scenario.yaml", join(ROOT, "scenarios/scep-fleet.yaml")).replace("$(JOB_COMPLETION_INDEX)/$(ENROLLSIM_SHARDS)", "0/8"));
    const r = await cli(MAIN, [...local.filter((a, i) => !["--report", "--store", "--metrics-port"].includes(local[i - 1] ?? "") && !["--report", "--store", "--metrics-port"].includes(a)), "--dry-run"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
  });
});
