// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { androidShownForError } from "../../src/device/android/shown.js";
import { appleShownForError } from "../../src/device/apple/shown.js";
import { CHROMIUM_NET_ERRORS, chromiumCode, chromiumPageText } from "../../src/wire/web/chromium-net-errors.js";

describe("Chromium net errors (net_error_list.h) and their pages (localized_error.cc)", () => {
  it("maps each transport case to its net error and value", () => {
    const pick = (c: string) => [CHROMIUM_NET_ERRORS[c]!.name, CHROMIUM_NET_ERRORS[c]!.value];
    expect(pick("dns.nxdomain")).toEqual(["ERR_NAME_NOT_RESOLVED", -105]);
    expect(pick("dns.timeout")).toEqual(["ERR_NAME_NOT_RESOLVED", -105]);
    expect(pick("connect.refused")).toEqual(["ERR_CONNECTION_REFUSED", -102]);
    expect(pick("connect.timeout")).toEqual(["ERR_CONNECTION_TIMED_OUT", -118]);
    expect(pick("timeout.response")).toEqual(["ERR_TIMED_OUT", -7]);
    expect(pick("reset.before-response")).toEqual(["ERR_CONNECTION_RESET", -101]);
    expect(pick("redirect.loop")).toEqual(["ERR_TOO_MANY_REDIRECTS", -310]);
    expect(pick("tls.untrusted")).toEqual(["ERR_CERT_AUTHORITY_INVALID", -202]);
    expect(pick("tls.expired")).toEqual(["ERR_CERT_DATE_INVALID", -201]);
    expect(pick("tls.wrong-host")).toEqual(["ERR_CERT_COMMON_NAME_INVALID", -200]);
    expect(pick("tls.protocol-version")).toEqual(["ERR_SSL_VERSION_OR_CIPHER_MISMATCH", -113]);
    // No net error of its own: an HTTP status is a response, a redirect to another host is followed.
    expect(CHROMIUM_NET_ERRORS["http-status"]).toBeUndefined();
    expect(CHROMIUM_NET_ERRORS["redirect.off-host"]).toBeUndefined();
  });

  it("words the error page and the certificate interstitial as Chrome does", () => {
    expect(chromiumPageText(CHROMIUM_NET_ERRORS["dns.nxdomain"]!, "idp.example")).toBe("This site can’t be reached. idp.example’s server IP address could not be found. net::ERR_NAME_NOT_RESOLVED");
    expect(chromiumPageText(CHROMIUM_NET_ERRORS["connect.refused"]!, "idp.example")).toBe("This site can’t be reached. idp.example refused to connect. net::ERR_CONNECTION_REFUSED");
    expect(chromiumCode(CHROMIUM_NET_ERRORS["tls.untrusted"]!)).toBe("NET::ERR_CERT_AUTHORITY_INVALID");
    expect(chromiumPageText(CHROMIUM_NET_ERRORS["tls.untrusted"]!, "idp.example")).toMatch(/^Your connection is not private\. Attackers might be trying to steal your information from idp\.example .* NET::ERR_CERT_AUTHORITY_INVALID$/);
  });
});

describe("the Android enrollment app's sign-in tab shows Chrome's page", () => {
  const at = (e: TransportError) => androidShownForError({ error: e, step: "android.signin.chrome-tab" });
  it("a refused connection: ERR_CONNECTION_REFUSED with the host of the page", () => {
    const s = at(new TransportError("refused", "GET https://login.example/authorize: connect ECONNREFUSED", { detail: "connect.refused" }));
    expect(s).toMatchObject({ code: "net::ERR_CONNECTION_REFUSED", name: "ERR_CONNECTION_REFUSED (-102)", text: "This site can’t be reached. login.example refused to connect. net::ERR_CONNECTION_REFUSED" });
    expect(s!.screen).toMatch(/Chrome custom tab/);
  });
  it("an untrusted chain: the interstitial", () => {
    expect(at(new TransportError("tls", "GET https://login.example/a: TLS failure", { detail: "tls.untrusted" }))).toMatchObject({ code: "NET::ERR_CERT_AUTHORITY_INVALID", text: expect.stringMatching(/^Your connection is not private/) });
  });
  it("a case without a net error is unknown, not guessed", () => {
    const s = at(new TransportError("too-large", "GET https://login.example/a: body too large"));
    expect(s).toMatchObject({ unknown: { raw: "transport.too-large", of: "condition" } });
    expect(s!.code).toBeUndefined();
    // enrollsim's transport code is the unpublished condition, not the page's words.
    expect(s!.text).toBe("The page at login.example could not be loaded.");
  });
});

describe("Apple: a failed page load in Safari is Safari's page, with the NSURLError WebKit reports", () => {
  const dns = () => new TransportError("dns", "GET https://mdm.example/enroll: getaddrinfo ENOTFOUND mdm.example", { detail: "dns.nxdomain" });
  it("the enrollment portal and the profile download of user-initiated enrollment are in Safari", () => {
    for (const step of ["portal.login", "profile.download"]) {
      const s = appleShownForError({ error: dns(), step, flow: "ios-profile" });
      expect(s).toMatchObject({ code: "NSURLErrorDomain -1003", name: "NSURLErrorCannotFindHost", text: "A server with the specified hostname could not be found." });
      expect(s!.screen).toMatch(/^Safari, its page for a failed load \(Safari's own wording is not published/);
    }
  });
  it("Setup Assistant's profile download is not Safari", () => {
    expect(appleShownForError({ error: dns(), step: "profile.download", flow: "ios-ade" })!.screen).toBe("Setup Assistant › Remote Management");
  });
});
