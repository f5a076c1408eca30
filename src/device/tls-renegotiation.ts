// SPDX-License-Identifier: MIT
/**
 * What each platform's HTTP stack does when the server asks for a client certificate in the middle of a
 * connection: a TLS 1.2 renegotiation (HelloRequest, then a handshake with a CertificateRequest) after the
 * request was sent, as IIS with a per-path client-certificate rule and some reverse proxies do
 * (TlsSettings.renegotiation; the `tls: client-cert-mid-connection` fault makes the embedded server do it).
 *
 * Rows come from devices/tls-stacks/*.yaml, extended by `--devices DIR`'s tls-stacks/*.yaml (a user's row first).
 * Only what is published decides a row; where nothing is, the row says `published: false` and `follow`: the
 * simulator's TLS stack (OpenSSL) follows the renegotiation, which is OpenSSL's behaviour, not a claim about the
 * platform's. A device no row covers follows, the same way.
 */
import { coversRelease, oneOf, readCatalogRows, releaseSpan, requiredText } from "./catalog-rows.js";

const PLATFORMS = ["windows", "ios", "ipados", "macos", "android"] as const;
const BEHAVIOURS = ["follow", "fail"] as const;
export type RenegotiationBehaviour = (typeof BEHAVIOURS)[number];

/** One row: a platform, optionally a range of its OS releases (`from` inclusive, `until` exclusive), the behaviour and its source. */
export interface RenegotiationRow {
  platform: (typeof PLATFORMS)[number];
  from?: string;
  until?: string;
  /** `fail`: the exchange ends with transport detail `tls.renegotiation`; `follow`: the new handshake runs and the exchange goes on. */
  behaviour: RenegotiationBehaviour;
  /** Whether the source states the platform's behaviour (false: OpenSSL's following stands in). */
  published: boolean;
  source: string;
  /** file:line:column of the row, for messages. */
  at: string;
}

export class RenegotiationCatalog {
  /** Rows in precedence order: the first row covering a device decides. */
  constructor(readonly rows: readonly RenegotiationRow[] = []) {}

  /** The row of a device's platform and OS release, if any. */
  rowFor(platform: string, osVersion: string): RenegotiationRow | undefined {
    return this.rows.find((r) => r.platform === platform && coversRelease(r, osVersion));
  }

  /** What the device's stack does; `follow` where no row covers it. */
  behaviourFor(platform: string, osVersion: string): RenegotiationBehaviour {
    return this.rowFor(platform, osVersion)?.behaviour ?? "follow";
  }

  /** The user's rows (`--devices DIR`) before the shipped ones: they override a shipped row for the same device. */
  withOverrides(first: RenegotiationCatalog): RenegotiationCatalog {
    return new RenegotiationCatalog([...first.rows, ...this.rows]);
  }
}

const FIELDS = ["platform", "from", "until", "behaviour", "published", "source"];

/** Parses the `renegotiation:` list of one devices/tls-stacks/*.yaml file; a problem names file:line:column. */
export function parseRenegotiationRows(text: string, file: string): RenegotiationRow[] {
  const o = { list: "renegotiation", label: "TLS renegotiation table", fields: FIELDS, shape: "{ platform, from?, until?, behaviour, published, source }", required: true };
  return readCatalogRows(text, file, o, (x) => {
    const { r, where, bad } = x;
    const platform = oneOf(x, "platform", PLATFORMS);
    const span = releaseSpan(x, "10.0.22631");
    const behaviour = oneOf(x, "behaviour", BEHAVIOURS);
    if (typeof r.published !== "boolean") bad("published", `${where}.published is ${JSON.stringify(r.published)}`, "true (the source states the behaviour) | false (not published: OpenSSL's following stands in)");
    if (r.published === false && behaviour !== "follow") bad("behaviour", `${where}: an unpublished behaviour cannot be "${String(r.behaviour)}"`, "follow (OpenSSL's behaviour stands in where nothing is published)");
    const source = requiredText(x, "source", "where the behaviour is published (URL and what it shows), or why it is not");
    return { platform, behaviour, published: r.published as boolean, source, at: x.at, ...span };
  });
}
