// SPDX-License-Identifier: MIT
/**
 * Test-wide key pool: tests that enrol devices take RSA keys from a small persistent pool in
 * .enrollsim/test-keys (git-ignored), generated once in worker threads and reused across runs.
 * ENROLLSIM_KEY_POOL is inherited by the test workers.
 */
import { resolve } from "node:path";
import { pregenKeys } from "../../src/platform/node/keypool/index.js";

export const TEST_POOL_KEYS = 24;

export default async function setup(): Promise<void> {
  const dir = resolve(import.meta.dirname, "../../.enrollsim/test-keys");
  process.env.ENROLLSIM_KEY_POOL = dir;
  await pregenKeys({ dir, spec: "rsa2048", count: TEST_POOL_KEYS });
}
