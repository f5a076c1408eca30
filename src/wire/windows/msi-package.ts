// SPDX-License-Identifier: MIT
/**
 * What an MSI package carries for the agent it installs, as enrollsim models it: files baked into the package (Fleet's
 * fleetd MSI holds the enroll secret in a file, `secret.txt`, fleetdm/fleet#44826) and MSI public properties given on the
 * install command line (the MsiInstallJob's `<Enforcement><CommandLine>`, EnterpriseDesktopAppManagement CSP:
 * `/quiet NAME="value"`, as msiexec takes them). The reference server's stand-in package content is a text: its first
 * line names the app, then one line `file <name>=<base64 content>` per baked file; real MSI bytes are not modelled.
 */

const HEADER = "enrollsim stand-in MSI package: ";

/** The stand-in package bytes for `name` with its baked files (their content is part of the FileHash, as in a real package). */
export function standInMsi(name: string, files: Readonly<Record<string, string>> = {}): Uint8Array {
  const lines = [`${HEADER}${name}`, ...Object.entries(files).map(([f, c]) => `file ${f}=${Buffer.from(c, "utf8").toString("base64")}`)];
  return new TextEncoder().encode(`${lines.join("\n")}\n`);
}

/** The files baked into a stand-in package (none for bytes that are not one). */
export function bakedFiles(body: Uint8Array): Record<string, string> {
  const text = new TextDecoder().decode(body.subarray(0, 256 * 1024));
  if (!text.startsWith(HEADER)) return {};
  const out: Record<string, string> = {};
  for (const line of text.split("\n").slice(1, 101)) {
    const m = /^file ([\w.-]{1,100})=([A-Za-z0-9+/=]*)$/.exec(line);
    if (m) out[m[1]!] = Buffer.from(m[2]!, "base64").toString("utf8");
  }
  return out;
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** The MsiInstallJob CommandLine (its XML text): `/quiet` then `NAME="value"` per property (msiexec doubles a quote inside a value). */
export function commandLine(properties: Readonly<Record<string, string>> = {}): string {
  const parts = ["/quiet", ...Object.entries(properties).map(([k, v]) => `${k}="${v.replace(/"/g, '""')}"`)];
  return parts.join(" ").replace(/[&<>"]/g, (c) => XML_ESCAPES[c]!);
}

/** The public properties of a CommandLine (the XML element's text, unescaped): `NAME=value` or `NAME="value"` (msiexec's syntax). */
export function commandLineProperties(xmlText: string): Record<string, string> {
  const text = xmlText
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(?:^|\s)([A-Za-z_][\w.]*)=(?:"((?:[^"]|"")*)"|(\S*))/g)) out[m[1]!] = m[2] !== undefined ? m[2].replace(/""/g, '"') : (m[3] ?? "");
  return out;
}
