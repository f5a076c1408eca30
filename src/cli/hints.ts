// SPDX-License-Identifier: MIT
/**
 * What to try next, after a failure whose usual fix is on the command line or in the scenario:
 *
 * - an untrusted server certificate (`transport.tls`, OpenSSL's untrusted-chain codes): the CLI
 *   connects once more to read the certificate the server presents, without verifying it and
 *   without sending anything, and names its issuer, so `--ca` can be given the right CA;
 * - Windows discovery without a DNS record for EnterpriseEnrollment.<domain>
 *   (`windows.discovery.no-enrollment-host`): the discovery URL, built from `--server` when given.
 *
 * Hints are printed on stderr as `hint: …`; they never change the exit code.
 */
import { connect, type PeerCertificate } from "node:tls";
import { terminalText } from "../report/terminal-text.js";

/** OpenSSL verification codes that mean "the chain does not end at a root this client trusts". */
const UNTRUSTED = /\((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE)\)/;

export interface FailureForHint {
  code: string;
  message?: string;
}

export interface HintContext {
  /** `--server` of a one-device command. */
  server?: string;
  /** How to write a Windows option where the user is: `--set windows.` (enroll) or `options.windows.` (a scenario). */
  windowsOption: string;
  /** How to name the server where the user is: `--server URL` (enroll) or `server: URL` (a scenario). */
  serverOption: string;
  /** Reads the certificate a TLS server presents (test double in tests). */
  peerCertificate?: (url: URL) => Promise<PeerCertificate | undefined>;
}

const name = (n: Record<string, string | string[]> | undefined): string =>
  Object.entries(n ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
    .join(", ");

/** The server's leaf certificate, read without verifying it (nothing is sent); undefined when it cannot be read within 3 s. */
export function readPeerCertificate(url: URL): Promise<PeerCertificate | undefined> {
  return new Promise((resolve) => {
    const port = Number(url.port || 443);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const isIp = /^[\d.]+$|:/.test(host);
    // Verification off on purpose: this connection only reads the certificate the verified one refused, to
    // name its issuer in the hint; it sends nothing and is closed at once. Never used to talk to the server.
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIp ? {} : { servername: host }) }, () => {
      const cert = socket.getPeerCertificate(false);
      socket.destroy();
      resolve(cert && Object.keys(cert).length ? cert : undefined);
    });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.on("error", () => resolve(undefined));
  });
}

/** Hint lines (without the `hint: ` prefix) for one failure; [] when there is nothing to add. */
export async function failureHints(f: FailureForHint, ctx: HintContext): Promise<string[]> {
  const text = f.message ?? "";
  if (/tls/.test(f.code) && UNTRUSTED.test(text)) {
    const url = /\bhttps:\/\/[^\s:/]+(?::\d+)?/.exec(text)?.[0];
    const cert = url ? await (ctx.peerCertificate ?? readPeerCertificate)(new URL(url)) : undefined;
    const who = cert ? `its certificate (subject ${name(cert.subject as never)}) is issued by ${name(cert.issuer as never)}` : "its certificate chain ends at a CA this device does not trust";
    return [`${url ?? "the server"}: ${who}. If that is your test CA, pass --ca FILE with its certificate (PEM); --insecure only against a test server.`];
  }
  if (f.code === "windows.discovery.no-enrollment-host") {
    const discovery = ctx.server ? `${ctx.server.replace(/\/$/, "")}/EnrollmentServer/Discovery.svc` : "https://<your server>/EnrollmentServer/Discovery.svc";
    const lines = [`no DNS record names the enrollment server: give the discovery URL, ${ctx.windowsOption}discoveryUrl=${discovery}`];
    if (ctx.server) lines.push(`or let the device find the server by name: ${ctx.windowsOption}dns=server (the default with ${ctx.serverOption} unless dns is set)`);
    else lines.push(`or give ${ctx.serverOption} (the device then finds EnterpriseEnrollment.<domain> at that host)`);
    return lines;
  }
  return [];
}

/** Writes the hints of a failure on stderr. */
export async function printHints(f: FailureForHint, ctx: HintContext, write: (s: string) => void = (s) => process.stderr.write(s)): Promise<void> {
  for (const line of await failureHints(f, ctx)) write(`hint: ${terminalText(line)}\n`);
}
