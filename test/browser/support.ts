// SPDX-License-Identifier: MIT
/**
 * Headless chromium for the browser tests: Debian's `chromium` package (CI installs it in .ci/run),
 * driven by playwright-core. Absent locally → the tests skip and say why; absent where they are
 * required (`ENROLLSIM_REQUIRE_BROWSER=1`, which .ci/run sets, or `CI`) → they fail, so CI can never
 * pass without having run them.
 */
import { existsSync } from "node:fs";
import { PNG } from "pngjs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.ENROLLSIM_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. Throws in CI. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `no chromium at ${CHROMIUM} (apt-get install chromium, or set ENROLLSIM_CHROMIUM)`;
  if (process.env.ENROLLSIM_REQUIRE_BROWSER === "1" || process.env.CI) throw new Error(`browser tests must run here (ENROLLSIM_REQUIRE_BROWSER or CI is set): ${why}; .ci/run installs it`);
  process.stderr.write(`browser tests skipped: ${why}\n`);
  return why;
}

export function launch(): Promise<Browser> {
  // test-only: --no-sandbox because CI containers run as root, where chromium's sandbox cannot start;
  // the pages loaded are the tool's own reports on 127.0.0.1 or fulfilled from memory.
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

/** Pixel statistics of a PNG: luminance variance (0 for a single-colour image) and distinct colours. */
export function pngStats(png: Buffer): { width: number; height: number; variance: number; colours: number } {
  const img = PNG.sync.read(png);
  const colours = new Set<number>();
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    n++;
    sum += y;
    sq += y * y;
    if (colours.size < 5000) colours.add((r << 16) | (g << 8) | b);
  }
  const mean = sum / n;
  return { width: img.width, height: img.height, variance: sq / n - mean * mean, colours: colours.size };
}
