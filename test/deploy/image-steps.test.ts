// The Dockerfile's runtime install, performed in a clean temporary directory (docker cannot run
// here, so the image build itself is untested; deploy/k8s/README.md says so). The test copies
// what the runtime stage copies (dist, devices, scenarios, package.json, package-lock.json),
// runs the deps stage's `npm ci --omit=dev --ignore-scripts` against the npm registry with the
// local npm cache preferred, and runs the CLI from there: the catalog loads and a 2-device SCEP
// scenario enrols against the embedded server with a SQLite store. A file the image forgets to
// copy, or a runtime dependency declared under devDependencies, fails here.
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

async function registryProblem(): Promise<string | undefined> {
  if (!existsSync(join(ROOT, "dist/cli/main.js"))) return undefined; // fails loudly below instead
  let registry = "https://registry.npmjs.org/";
  try {
    registry = (await run(NPM, ["config", "get", "registry"], { cwd: ROOT, timeout: 10_000 })).stdout.trim() || registry;
    const res = await fetch(new URL("-/ping", registry.endsWith("/") ? registry : `${registry}/`), { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return `npm registry ${registry} answered HTTP ${res.status}`;
    return undefined;
  } catch (err) {
    return `npm registry ${registry} is unreachable (${(err as Error).message})`;
  }
}

const problem = await registryProblem();
if (problem) process.stderr.write(`image-steps: skipped: ${problem}; the image's install steps are untested in this run\n`);
const dir = mkdtempSync(join(tmpdir(), "enrollsim-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(problem !== undefined)(`Dockerfile runtime stage, performed in a clean directory${problem ? ` (skipped: ${problem})` : ""}`, () => {
  it("installs production dependencies only and runs the CLI from there", { timeout: 60_000 }, async () => {
    expect(existsSync(join(ROOT, "dist/cli/main.js")), "dist/ is missing: run `npm run build` first").toBe(true);
    // The runtime stage's own COPY lines (those from the build context), read from the Dockerfile,
    // so a file the image forgets is forgotten here too; dist/ comes from the build stage.
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    const runtime = dockerfile.slice(dockerfile.search(/^FROM .* AS runtime$/m));
    const copied = [...runtime.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copied).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "devices"]));
    for (const src of ["dist", ...copied]) cpSync(join(ROOT, src), join(dir, src), { recursive: true });

    // deps stage: the `npm ci` line as the Dockerfile writes it (the root "prepare" script would run tsc)
    const deps = dockerfile.slice(dockerfile.search(/^FROM .* AS deps$/m), dockerfile.search(/^FROM .* AS runtime$/m));
    const npmCi = /RUN npm ci ([^&\n]+)/.exec(deps)?.[1]?.trim().split(/\s+/);
    expect(npmCi).toEqual(expect.arrayContaining(["--omit=dev", "--ignore-scripts"]));
    const env = { ...process.env, npm_config_prefer_offline: "true", npm_config_update_notifier: "false" };
    await run(NPM, ["ci", ...npmCi!], { cwd: dir, env, timeout: 45_000 });
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(join(dir, "node_modules", dep)), `runtime dependency ${dep}`).toBe(true);
    for (const dev of ["typescript", "vitest", "eslint"]) expect(existsSync(join(dir, "node_modules", dev)), `dev dependency ${dev} must not be installed`).toBe(false);

    // The one step substituted: the deps stage runs `npm rebuild better-sqlite3`, whose install
    // script downloads a prebuilt binding from GitHub or compiles with node-gyp (headers from
    // nodejs.org) — network beyond the npm registry. The binding already built for this Node
    // stands in, after checking it belongs to the very version the lock file installs.
    const sqliteVersion = (p: string) => (JSON.parse(readFileSync(join(p, "node_modules/better-sqlite3/package.json"), "utf8")) as { version: string }).version;
    expect(sqliteVersion(dir)).toBe(sqliteVersion(ROOT));
    const binding = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
    mkdirSync(join(dir, "node_modules/better-sqlite3/build/Release"), { recursive: true });
    copyFileSync(join(ROOT, binding), join(dir, binding));

    const cli = join(dir, "dist/cli/main.js");
    const devices = JSON.parse((await run(process.execPath, [cli, "devices", "--json"], { cwd: dir, timeout: 20_000 })).stdout) as { devices: { id: string; platform: string }[] };
    expect(devices.devices.map((d) => d.id)).toEqual(expect.arrayContaining(["pixel-8", "iphone-15"]));

    const scenario = join(dir, "image-smoke.yaml");
    writeFileSync(
      scenario,
      `name: image-smoke
seed: 1
server: embedded
embedded: { scep: { challenge: image-smoke } }
groups: [ { name: g, model: pixel-8, count: 2, flow: scep, options: { scep: { challenge: image-smoke } } } ]
arrival: { concurrency: 2 }
limits: { durationSeconds: 30, stepTimeoutMs: 15000 }
`,
    );
    // --html too: uPlot must be a runtime dependency and the page assets must be in dist/.
    const html = join(dir, "report.html");
    const { stdout } = await run(process.execPath, [cli, "run", scenario, "--json", "--no-progress", "--store", join(dir, "fleet.db"), "--html", html], { cwd: dir, timeout: 30_000 });
    const summary = JSON.parse(stdout) as { devices: number; enrolled: number; failed: number };
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, failed: 0 });
    expect(existsSync(join(dir, "fleet.db"))).toBe(true);
    expect(readFileSync(html, "utf8")).toMatch(/id="enrollsim-data"[\s\S]*uPlot/);
  });
});
