// SPDX-License-Identifier: MIT
/**
 * Certificates for mutual-TLS loopback tests, made by the openssl CLI (so the crypto is not our
 * own): a server certificate for 127.0.0.1, a device CA, and one clientAuth certificate per device
 * name, each P-256. `pem["<name>.pem"]` and `pem["<name>.key"]` for server, ca and every device.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface MtlsFixture {
  pem: Record<string, string>;
  /** Removes the temporary directory. */
  cleanup(): Promise<void>;
}

export async function mtlsFixture(devices: readonly string[], prefix = "enrollsim-mtls-"): Promise<MtlsFixture> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"];
  await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "server.key"), "-out", join(dir, "server.pem")]);
  await run("openssl", ["req", "-x509", ...ec, "-subj", "/CN=Test Device CA", "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem")]);
  for (const d of devices) {
    await run("openssl", ["req", "-x509", ...ec, "-subj", `/CN=${d}`, "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"), "-addext", "extendedKeyUsage=clientAuth", "-keyout", join(dir, `${d}.key`), "-out", join(dir, `${d}.pem`)]);
  }
  const pem: Record<string, string> = {};
  for (const f of ["server", "ca", ...devices]) {
    pem[`${f}.pem`] = await readFile(join(dir, `${f}.pem`), "utf8");
    pem[`${f}.key`] = await readFile(join(dir, `${f}.key`), "utf8");
  }
  return { pem, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
