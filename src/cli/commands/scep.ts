// SPDX-License-Identifier: MIT
/** `enrollsim scep`: enrol one identity, print a numbered transcript, write key.pem and cert.pem. */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Argv } from "yargs";
import { enrollScepOnce } from "../../api/enroll-scep.js";
import { NodeCrypto } from "../../platform/node/crypto.js";
import { toPem } from "../../wire/x509/certificate.js";
import { KEY_USAGE_BITS, type KeyUsage } from "../../wire/x509/extensions.js";
import { terminalText } from "../../report/terminal-text.js";
import { readTrustFiles, warnInsecure } from "../output.js";

export const scepCommand = {
  command: "scep",
  describe: "Enrol one certificate from a SCEP server and show every step",
  builder: (y: Argv) =>
    y
      .example("$0 scep --url http://127.0.0.1:8080/scep --challenge s3cret --subject CN=test --out out/", "enrol one identity; key.pem (0600) and cert.pem in out/")
      .option("url", { type: "string", demandOption: true, describe: "SCEP endpoint, e.g. http://127.0.0.1:8080/scep" })
      .option("challenge", { type: "string", describe: "challenge password (redacted from output)" })
      .option("subject", { type: "string", default: "CN=enrollsim", describe: "certificate subject, e.g. CN=%SERIAL%,O=Acme" })
      .option("out", { type: "string", demandOption: true, describe: "directory for key.pem (0600) and cert.pem" })
      .option("san-dns", { type: "string", array: true, describe: "DNS subjectAltName(s)" })
      .option("san-email", { type: "string", array: true, describe: "rfc822 subjectAltName(s)" })
      .option("san-uri", { type: "string", array: true, describe: "URI subjectAltName(s)" })
      .option("san-upn", { type: "string", array: true, describe: "Microsoft UPN subjectAltName(s)" })
      .option("key-usage", { choices: KEY_USAGE_BITS as unknown as string[], array: true, describe: "requested keyUsage" })
      .option("eku", { type: "string", array: true, describe: "requested extended key usage (clientAuth, …, or OIDs)" })
      .option("ca-fingerprint", { type: "string", describe: "pin the CA: sha256:HEX (also sha1:, md5:)" })
      .option("poll-attempts", { type: "number", default: 3, describe: "CertPolls while PENDING" })
      .option("poll-delay", { type: "number", default: 10_000, describe: "ms between CertPolls" })
      .option("cipher", { choices: ["auto", "aes-128-cbc", "aes-256-cbc", "des-ede3-cbc"], default: "auto" })
      .option("digest", { choices: ["auto", "sha1", "sha256", "sha512"], default: "auto" })
      .option("renew", { type: "boolean", default: false, describe: "renew once with RenewalReq after issuance" })
      .option("timeout", { type: "number", default: 30_000, describe: "per-request timeout, ms" })
      .option("ca", { type: "string", array: true, describe: "PEM file(s) of extra roots to trust (HTTPS)" })
      .option("insecure", { type: "boolean", default: false, describe: "TEST ONLY: do not verify TLS certificates" })
      .option("json", { type: "boolean", default: false, describe: "print the result and transcript as JSON" }),
  handler: async (a: Record<string, unknown>) => {
    if (a.insecure) warnInsecure();
    const { device, result, key } = await enrollScepOnce({
      url: a.url as string,
      challenge: a.challenge as string | undefined,
      subject: a.subject as string,
      san: { dns: a["san-dns"] as string[], email: a["san-email"] as string[], uri: a["san-uri"] as string[], upn: a["san-upn"] as string[] },
      keyUsage: a["key-usage"] as KeyUsage[] | undefined,
      extendedKeyUsage: a.eku as string[] | undefined,
      caFingerprint: a["ca-fingerprint"] as string | undefined,
      poll: { maxAttempts: a["poll-attempts"] as number, delayMs: a["poll-delay"] as number },
      cipher: a.cipher as "auto",
      digest: a.digest as "auto",
      renew: a.renew as boolean,
      timeoutMs: a.timeout as number,
      tls: { ca: readTrustFiles(a.ca as string[] | undefined), insecure: (a.insecure as boolean) || undefined },
    });
    const identity = result.keychain.identities.at(-1);
    if (identity) {
      const dir = a.out as string;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const keyPath = join(dir, "key.pem");
      writeFileSync(keyPath, new NodeCrypto().privateKeyPem(key), { mode: 0o600 });
      chmodSync(keyPath, 0o600);
      writeFileSync(join(dir, "cert.pem"), [identity.certificate, ...identity.chain].map((c) => toPem(c.der)).join(""));
    }
    if (a.json) {
      process.stdout.write(`${JSON.stringify({ ok: result.ok, code: result.code, message: result.message, transcript: device.transcript() }, null, 2)}\n`);
    } else {
      process.stdout.write(`${device.formatTranscript()}\n`);
      process.stdout.write(
        result.ok
          ? `\nOK: ${result.code}: ${terminalText(identity!.certificate.subject)} (serial ${identity!.certificate.serialHex}, issuer ${terminalText(identity!.certificate.issuer)}) → ${a.out}/key.pem, ${a.out}/cert.pem\n`
          : `\nFAILED: ${terminalText(result.code)}${result.message ? `: ${terminalText(result.message)}` : ""}\n`,
      );
    }
    process.exitCode = result.ok ? 0 : 1;
  },
};
