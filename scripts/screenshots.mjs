// SPDX-License-Identifier: MIT
// Regenerates the README's screenshots (docs/img/dashboard.png, docs/img/report.png): runs the
// paced 30-device SCEP scenario of the browser tests with --dashboard and --html, photographs the
// live dashboard mid-run and the HTML report at the end in headless chromium (Debian's package,
// ENROLLSIM_CHROMIUM to override). Usage: npm run screenshots (builds first).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const ROOT = new URL("..", import.meta.url).pathname;
const OUT = join(ROOT, "docs/img");
const dir = mkdtempSync(join(tmpdir(), "enrollsim-shots-"));
const report = join(dir, "report.html");
const viewport = { width: 1200, height: 820 };

// test-only flag: --no-sandbox lets chromium start as root in containers; it loads only the tool's own pages.
const browser = await chromium.launch({ executablePath: process.env.ENROLLSIM_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const child = spawn(process.execPath, ["dist/cli/main.js", "run", "test/browser/dashboard-run.yaml", "--dashboard", "--html", report, "--no-progress"], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
try {
  const url = await new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
      const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on("close", () => reject(new Error(`the run ended before printing the dashboard URL:\n${err}`)));
  });
  const page = await browser.newPage({ viewport });
  await page.goto(url);
  // A function, not a string: the page's CSP forbids eval. It runs in the page, where `document` exists.
  await page.waitForFunction(() => Number(globalThis.document.body.dataset.seconds) >= 6 || globalThis.document.body.dataset.state === "finished", undefined, { timeout: 60_000 });
  await page.screenshot({ path: join(OUT, "dashboard.png") });
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on("close", resolve)));
  const rep = await browser.newPage({ viewport });
  await rep.goto(`file://${report}`);
  await rep.waitForSelector('body[data-rendered="1"]');
  await rep.screenshot({ path: join(OUT, "report.png") });
  for (const f of ["dashboard.png", "report.png"]) process.stdout.write(`${join("docs/img", f)}: ${Math.round(statSync(join(OUT, f)).size / 1024)} KiB\n`);
} finally {
  child.kill();
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
