// SPDX-License-Identifier: MIT
/**
 * What each platform's HTTP stack does when the server asks for a client certificate in the middle of a
 * connection: a TLS 1.2 renegotiation (HelloRequest, then a handshake with a CertificateRequest) after the
 * request was sent, as IIS with a per-path client-certificate rule and some reverse proxies do
 * (TlsSettings.renegotiation; the `tls: client-cert-mid-connection` fault makes the embedded server do it).
 *
 * Only what is published decides a row. Where nothing is (Apple), the row says so and the device follows the
 * renegotiation the way the simulator's TLS stack (OpenSSL) does: that is OpenSSL's behaviour, not a claim
 * about the platform's.
 */
import type { Platform } from "./catalog.js";

export interface RenegotiationRow {
  /** `fail`: the exchange ends with transport detail `tls.renegotiation`; `follow`: the new handshake runs and the exchange goes on. */
  behaviour: "follow" | "fail";
  /** Whether a source states the platform's behaviour (false: OpenSSL's behaviour stands in, see `source`). */
  published: boolean;
  source: string;
}

const NOT_PUBLISHED = (stack: string): RenegotiationRow => ({
  behaviour: "follow",
  published: false,
  source: `not published: no source found for what ${stack} does with a mid-connection CertificateRequest; enrollsim lets its TLS stack (OpenSSL) follow the renegotiation`,
});

export const RENEGOTIATION: Record<Platform, RenegotiationRow> = {
  // Windows MDM and the SCEP client (running as SYSTEM) send their requests through WinHTTP.
  windows: {
    behaviour: "fail",
    published: true,
    source:
      "https://github.com/NeySlim/ultimate-ca-manager/issues/326 (field diagnosis, 2026-09: Intune SCEP GetCACaps fails 0x80072f78 = WinHTTP 12152 ERROR_WINHTTP_INVALID_SERVER_RESPONSE although the server answered 200 text/plain; the curl trace shows 'schannel: remote party requests renegotiation' after 'Request completely sent off'; curl on Schannel works through it, WinHTTP as SYSTEM does not)",
  },
  ios: NOT_PUBLISHED("iOS's URLSession (CFNetwork)"),
  ipados: NOT_PUBLISHED("iPadOS's URLSession (CFNetwork)"),
  macos: NOT_PUBLISHED("macOS's URLSession (CFNetwork)"),
  // Android's TLS provider is Conscrypt (on BoringSSL): every connection it sets up accepts a server's renegotiation.
  android: {
    behaviour: "follow",
    published: true,
    source:
      "https://github.com/google/conscrypt/blob/master/common/src/main/java/org/conscrypt/NativeSsl.java (initialize(): 'Allow servers to trigger renegotiation. Some inadvisable server configurations cause them to attempt to renegotiate during certain protocols.' NativeCrypto.SSL_accept_renegotiations, for client and server connections; AOSP platform/external/conscrypt is the same code). The first Android release with this call is not stated there",
  },
};

/** The platform's behaviour as a TlsSettings value. */
export const renegotiationOf = (platform: Platform): "follow" | "fail" => RENEGOTIATION[platform]?.behaviour ?? "follow";
