// SPDX-License-Identifier: MIT
// The live dashboard and the HTML report in a real headless browser (Debian's chromium through
// playwright-core). A real small run (test/browser/dashboard-run.yaml: 30 SCEP devices at 3/s
// against the embedded reference server, 6 with a wrong challenge) is watched by one viewer from
// the start and one that joins late: the charts draw, the numbers move while the run goes, the late
// viewer gets the history, and after the run (the process gone) the page holds the final state,
// equal to the run's JSON, with a working link to the HTML report. Screenshots are checked not to
// be blank. The HTML report is then opened with every request intercepted: it must draw its charts
// with no request but its own, its CSP must block a fetch, and hostile server text must stay text.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportHtml } from "../../src/report/html/files.js";
import { reportModel } from "../../src/report/html/model.js";
import type { ExtendedSummary } from "../../src/report/metrics.js";
import { ensureBuilt, MAIN, ROOT } from "../runner/support/cli.js";
import { browserMissing, launch, pngStats } from "./support.js";

const missing = browserMissing();
const dir = mkdtempSync(join(tmpdir(), "enrollsim-browser-"));
const SHOTS = process.env.ENROLLSIM_SCREENSHOTS ?? dir; // keep them elsewhere to look at
const REPORT = join(dir, "report.html");
const JSON_FILE = join(dir, "run.json");
const SECRET = "wrong-challenge-secret-value"; // the failing group's SCEP challenge (scenario secret)

const text = (p: Page, sel: string) => p.locator(sel).first().innerText();
const num = async (p: Page, sel: string) => Number((await text(p, sel)).replace(/[^\d.]/g, ""));

function expectNotBlank(png: Buffer, what: string): void {
  const s = pngStats(png);
  expect(s.variance, `${what}: luminance variance`).toBeGreaterThan(50);
  expect(s.colours, `${what}: distinct colours`).toBeGreaterThan(20);
}

describe.skipIf(missing !== undefined)(`dashboard and HTML report in headless chromium${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let browser: Browser;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    ensureBuilt();
    browser = await launch();
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await browser?.close();
    if (!process.env.ENROLLSIM_SCREENSHOTS) rmSync(dir, { recursive: true, force: true });
  });

  it("live dashboard: updates during a real run, serves a late viewer the history, keeps the final state equal to the run JSON", { timeout: 150_000 }, async () => {
    const args = [MAIN, "run", "test/browser/dashboard-run.yaml", "--dashboard", "--html", REPORT, "--report", JSON_FILE, "--no-progress", "--json"];
    child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child!.on("close", resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child!.stderr!.on("data", (d: Buffer) => {
        stderr += d.toString();
        const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`the run ended before printing the dashboard URL: ${stderr}`)));
    });
    child.stdout!.resume();

    const first = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    first.on("pageerror", (e) => errors.push(e.message));
    await first.goto(url);
    await first.waitForSelector('body[data-state="running"]', { timeout: 60_000 });
    await first.waitForFunction(() => Number(document.body.dataset.seconds) >= 2 && Number(document.body.dataset.seriesOk) > 0, undefined, { timeout: 60_000 });
    const seconds1 = Number(await first.evaluate(() => document.body.dataset.seconds));
    expect(await first.locator("#chart-timeline canvas").count()).toBeGreaterThan(0);
    expect(await text(first, "#live-phase b")).toMatch(/arrivals|draining|steady/);
    expectNotBlank(await first.screenshot({ path: join(SHOTS, "dashboard-running.png") }), "dashboard during the run");

    // A viewer joining now gets every second so far at once.
    const late = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await late.goto(url);
    await late.waitForFunction(() => document.body.dataset.state === "running" || document.body.dataset.state === "finished", undefined, { timeout: 30_000 });
    expect(Number(await late.evaluate(() => document.body.dataset.seconds))).toBeGreaterThanOrEqual(seconds1);

    // The numbers move while the run goes: sample the in-page counters until the run is over.
    const seen = new Set<string>();
    while ((await first.evaluate(() => document.body.dataset.state)) === "running") {
      seen.add(`${await text(first, "#live-enrolled b")}/${await first.evaluate(() => document.body.dataset.seconds)}`);
      await first.waitForTimeout(400);
    }
    expect(seen.size, `distinct (enrolled, seconds) readings during the run: ${[...seen].join(" ")}`).toBeGreaterThanOrEqual(3);
    expect(await exited).toBe(0);
    expect(errors).toEqual([]);

    // The process is gone; the page keeps the final state, equal to the run's JSON summary.
    const run = JSON.parse(readFileSync(JSON_FILE, "utf8")) as ExtendedSummary;
    expect(run.enrolled).toBe(24);
    for (const page of [first, late]) {
      await page.waitForSelector('body[data-state="finished"]', { timeout: 10_000 });
      expect(await num(page, "#tile-devices b")).toBe(run.devices);
      expect(await num(page, "#tile-enrolled b")).toBe(run.enrolled);
      expect(await num(page, "#tile-failed b")).toBe(run.failed);
      expect(await num(page, "#live-enrolled b")).toBe(run.enrolled);
      expect(await text(page, "#live-phase b")).toBe("finished");
      const d = await page.evaluate(() => ({ ...document.body.dataset }));
      expect(Number(d.seriesOk)).toBe(run.enrolled);
      expect(Number(d.seriesFailed)).toBe(run.failed);
      expect(Number(d.seriesStarts)).toBe(run.devices);
      expect(await page.locator("#failures").innerText()).toContain("scep.failInfo.badRequest");
      expect(await page.locator(".uplot canvas").count()).toBeGreaterThanOrEqual(4);
    }
    expectNotBlank(await first.screenshot({ path: join(SHOTS, "dashboard-final.png"), fullPage: true }), "dashboard after the run");
    // The report link opens the HTML report from the page's memory: the server is gone.
    expect(await first.locator("#live-report").getAttribute("href")).toMatch(/^blob:/);
    const [popup] = await Promise.all([first.context().waitForEvent("page"), first.click("#live-report")]);
    await popup.waitForSelector('body[data-rendered="1"]');
    expect(await num(popup, "#tile-enrolled b")).toBe(run.enrolled);
  });

  it("HTML report: draws its charts offline with no request but its own, blocks fetches, keeps hostile text as text", { timeout: 60_000 }, async () => {
    const run = JSON.parse(readFileSync(JSON_FILE, "utf8")) as ExtendedSummary;
    const hostile = '</script><script>alert("x")</script><img src=x onerror=alert(1)>';
    const bad = { ...run, examples: run.examples!.map((e, i) => (i === 0 ? { ...e, message: hostile } : e)) };
    const html = readFileSync(REPORT, "utf8");
    expect(html).not.toContain(SECRET);
    const hostileFile = join(dir, "hostile.html");
    writeFileSync(hostileFile, reportHtml(reportModel(bad, { transcripts: {} })));

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("dialog", (d) => (dialogs.push(d.message()), void d.dismiss()));
    const pages: Record<string, string> = { "http://report.test/report.html": html, "http://report.test/hostile.html": readFileSync(hostileFile, "utf8") };
    await page.route("**/*", (route) => {
      const body = pages[route.request().url()];
      return body !== undefined ? route.fulfill({ body, contentType: "text/html" }) : route.abort();
    });

    await page.goto("http://report.test/report.html");
    await page.waitForSelector('body[data-rendered="1"]');
    expect(await page.locator(".uplot canvas").count()).toBeGreaterThanOrEqual(4);
    for (const id of ["#chart-timeline", "#chart-dist", "#latency-charts"]) expectNotBlank(await page.locator(id).screenshot(), `chart ${id}`);
    expect(await num(page, "#tile-enrolled b")).toBe(run.enrolled);
    expect(await page.locator("#expectations").innerText()).toContain("PASS");
    // Sample failures link to their embedded, redacted transcripts.
    const link = page.locator('#examples a[href^="#tx-"]').first();
    const target = (await link.getAttribute("href"))!.slice(1);
    await link.click();
    const tx = page.locator(`[id="${target}"]`);
    await tx.locator("summary").first().click();
    // Opening an exchange shows its decoded message (the first <pre> may be a still-folded headers block).
    expect(await tx.locator("pre:visible").count()).toBeGreaterThan(0);
    expect(await tx.innerText()).toContain("scep.pkioperation");
    expect(await page.locator("#scenario").textContent()).toContain("[REDACTED]"); // folded: textContent, not innerText
    // The CSP blocks a fetch before it becomes a request.
    expect(
      await page.evaluate(() =>
        fetch("http://elsewhere.test/x").then(
          () => "fetched",
          () => "blocked",
        ),
      ),
    ).toBe("blocked");
    expectNotBlank(await page.screenshot({ path: join(SHOTS, "report.png"), fullPage: true }), "HTML report");

    await page.goto("http://report.test/hostile.html");
    await page.waitForSelector('body[data-rendered="1"]');
    expect(await page.locator("#examples").innerText()).toContain(hostile);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual(["http://report.test/report.html", "http://report.test/hostile.html"]);
  });
});
