// SPDX-License-Identifier: MIT
import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "../../src/report/redact.js";

const CHALLENGE = "s3cr3t-Ch@llenge/42";
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("Redactor", () => {
  it("redacts sensitive keys case-insensitively and keeps the auth scheme", () => {
    const r = new Redactor();
    const out = r.redact({
      ChallengePassword: "pw1",
      headers: { Authorization: "Bearer abc.def.ghi", "X-Auth-Token": "t0k", Cookie: "sid=1", accept: "*/*" },
      nested: [{ password: "p" }, { passwd: "q", secretValue: { a: 1 } }],
      hasToken: true,
    }) as Record<string, any>;
    expect(out.ChallengePassword).toBe(REDACTED);
    expect(out.headers).toEqual({ Authorization: `Bearer ${REDACTED}`, "X-Auth-Token": REDACTED, Cookie: REDACTED, accept: "*/*" });
    expect(out.nested).toEqual([{ password: REDACTED }, { passwd: REDACTED, secretValue: REDACTED }]);
    expect(out.hasToken).toBe(true);
  });

  it("redacts 'key' only when the value looks like key material; PEM private keys always", () => {
    const pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB...\n-----END EC PRIVATE KEY-----";
    const r = new Redactor();
    const out = r.redact({
      key: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
      keyUsage: "digitalSignature",
      keySize: 2048,
      key2: "rsa",
      note: `identity follows: ${pem} (end)`,
      publicKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE0000000000000000",
    }) as Record<string, unknown>;
    expect(out.key).toBe(REDACTED);
    expect(out.keyUsage).toBe("digitalSignature");
    expect(out.keySize).toBe(2048);
    expect(out.note).toBe(`identity follows: ${REDACTED} (end)`);
    expect(out.publicKey).toMatch(/^MFkw/);
  });

  it("redacts registered secrets inside longer strings, keys, URL-encoded, JSON and base64 forms", () => {
    const r = new Redactor();
    r.addSecret(CHALLENGE);
    const embedded = b64(`user:${CHALLENGE}`); // secret at a non-zero byte offset inside base64
    const input = {
      msg: `server said ${CHALLENGE}!`,
      url: `https://ca/scep?operation=PKIOperation&x=${encodeURIComponent(CHALLENGE)}`,
      form: `x=${encodeURIComponent(CHALLENGE).replace(/%2F/g, "%2f")}`,
      b64: b64(CHALLENGE),
      urlsafe: b64(CHALLENGE).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
      embedded,
      hex: Buffer.from(CHALLENGE).toString("hex").toUpperCase(),
      list: [[[CHALLENGE]]],
      [CHALLENGE]: 1,
    };
    const text = JSON.stringify(r.redact(input));
    expect(text).not.toContain(CHALLENGE);
    expect(text).not.toContain(encodeURIComponent(CHALLENGE));
    expect(text.toLowerCase()).not.toContain(encodeURIComponent(CHALLENGE).toLowerCase());
    expect(text).not.toContain(b64(CHALLENGE).replace(/=+$/, ""));
    expect(text).not.toContain(Buffer.from(CHALLENGE).toString("hex").toUpperCase());
    // the core of the embedded base64 (what depends on the secret alone) is gone
    expect(text).not.toContain(embedded.slice(8, 24));
    expect(text).toContain("server said [REDACTED]!");
    expect(text).toContain("operation=PKIOperation");
  });

  it("redacts OAuth 2.0 code and code_verifier as URL or form parameters, but not error codes", () => {
    const r = new Redactor();
    const out = r.redact({
      headers: { location: "apple-remotemanagement-user-login://oauth2-results?code=AbC123-xyz&state=s1" },
      body: "grant_type=authorization_code&code=AbC123-xyz&code_verifier=v3r1f13r&redirect_uri=x",
      json: '{"code":"DeviceCapReached"}',
      code: "scep.failInfo.badRequest",
      text: "failed with code 0x80180013",
    }) as Record<string, any>;
    expect(out.headers.location).toBe(`apple-remotemanagement-user-login://oauth2-results?code=${REDACTED}&state=s1`);
    expect(out.body).toBe(`grant_type=authorization_code&code=${REDACTED}&code_verifier=${REDACTED}&redirect_uri=x`);
    expect(out.json).toBe('{"code":"DeviceCapReached"}');
    expect(out.code).toBe("scep.failInfo.badRequest");
    expect(out.text).toBe("failed with code 0x80180013");
  });

  it("redacts sensitive query parameters, header lines and Basic credentials in text", () => {
    const r = new Redactor();
    const out = r.redact({
      url: "https://mdm/enroll?token=abc123&operation=GetCACaps&Password=hunter2",
      raw: "POST / HTTP/1.1\r\nAuthorization: Digest username=\"a\", response=\"b\"\r\nHost: x\r\n",
      basic: `Basic ${b64("admin:hunter2")}`,
      prose: "Basic Constraints: CA:TRUE",
      json: '{"password":"hunter2","user":"a"}',
      har: [{ name: "Set-Cookie", value: "sid=abc" }, { name: "Accept", value: "*/*" }],
      pairs: [["authorization", "Bearer zzzzzzzzzz"]],
    }) as Record<string, any>;
    expect(out.url).toBe(`https://mdm/enroll?token=${REDACTED}&operation=GetCACaps&Password=${REDACTED}`);
    expect(out.raw).toBe(`POST / HTTP/1.1\r\nAuthorization: ${REDACTED}\r\nHost: x\r\n`);
    expect(out.basic).toBe(`Basic ${REDACTED}`);
    expect(out.prose).toBe("Basic Constraints: CA:TRUE");
    expect(out.json).toBe(`{"password":"${REDACTED}","user":"a"}`);
    expect(out.har).toEqual([{ name: "Set-Cookie", value: REDACTED }, { name: "Accept", value: "*/*" }]);
    expect(out.pairs).toEqual([["authorization", `Bearer ${REDACTED}`]]);
  });

  it("hides a JWT's signature wherever it appears (a wresult form field, a SyncML AADUserToken alert) and keeps its claims readable", () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const sig = "Qm9ndXNTaWduYXR1cmVfb2ZfdGhlX3Rva2VuX18zMmJ5dGVz";
    const jwt = `${part({ alg: "HS256", typ: "JWT" })}.${part({ aud: "6f2c4b1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f", ver: "2.0", upn: "ana@contoso.com" })}.${sig}`;
    const unsigned = jwt.slice(0, jwt.lastIndexOf(".") + 1);
    const out = new Redactor().redact({
      page: `<form method="post" action="ms-app://windows.immersivecontrolpanel"><input type="hidden" name="wresult" value="${jwt}"/></form>`,
      syncml: `<Alert><Data>1224</Data><Item><Meta><Type xmlns="syncml:metinf">com.microsoft/MDM/AADUserToken</Type></Meta><Data>${jwt}</Data></Item></Alert>`,
      json: JSON.stringify({ access_value: jwt }),
      bare: jwt,
      notAJwt: "eyJhbGciOi.version.1",
    }) as Record<string, string>;
    const text = JSON.stringify(out);
    expect(text).not.toContain(sig);
    expect(out.bare).toBe(`${unsigned}${REDACTED}`);
    expect(out.page).toContain(`value="${unsigned}${REDACTED}"`);
    expect(out.syncml).toContain(`<Data>${unsigned}${REDACTED}</Data>`);
    expect(out.notAJwt).toBe("eyJhbGciOi.version.1");
  });

  it("reads a hostile text of JWT-like runs in linear time (1 MB of -eyJ used to take minutes)", () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const jwt = `${part({ alg: "HS256" })}.${part({ upn: "ana@contoso.com" })}.c2lnbmF0dXJlX29mX3RoZV90b2tlbg`;
    const hostile = `${"-eyJ".repeat(250_000)} ${jwt}`;
    const out = new Redactor().redactString(hostile);
    expect(out.endsWith(`${jwt.slice(0, jwt.lastIndexOf(".") + 1)}${REDACTED}`)).toBe(true);
  }, 20_000);

  it("returns a deep copy and never mutates the input", () => {
    const r = new Redactor();
    r.addSecret("abcd1234");
    const input = { a: { password: "x", list: ["abcd1234"] }, when: new Date(0) };
    const before = structuredClone(input);
    const out = r.redact(input) as Record<string, any>;
    expect(input).toEqual(before);
    expect(out.a).not.toBe(input.a);
    expect(out.a.list).toEqual([REDACTED]);
    expect(out.when).toBe("1970-01-01T00:00:00.000Z");
  });

  it("survives cycles, bytes and odd values", () => {
    const r = new Redactor();
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const out = r.redact({ cyclic, bytes: new Uint8Array(5), big: 10n, fn: () => 1, nan: Number.NaN }) as Record<string, any>;
    expect(out.cyclic.self).toBe("[Circular]");
    expect(out.bytes).toBe("[5 bytes]");
    expect(out.big).toBe("10");
    expect("fn" in out).toBe(false);
    expect(out.nan).toBeNull();
  });

  it("fork() copies secrets; later secrets stay with the Redactor they were added to", () => {
    const run = new Redactor();
    run.addSecret("shared-run-secret");
    const device = run.fork();
    device.addSecret("device-only-secret");
    expect(device.redactString("shared-run-secret device-only-secret")).toBe(`${REDACTED} ${REDACTED}`);
    expect(run.redactString("device-only-secret")).toBe("device-only-secret");
  });
  it("hides an enrollment-link token (et=) and the same value wherever else it appears in that text", () => {
    const body = JSON.stringify({ value: "JLDPZQNIISLMTSKFNQKV", enrollmentUrl: "https://enterprise.google.com/android/enroll?et=JLDPZQNIISLMTSKFNQKV", profile: "wp" });
    const out = new Redactor().redactString(body);
    expect(out).not.toContain("JLDPZQNIISLMTSKFNQKV");
    expect(out).toContain('"profile":"wp"');
    expect(out).toContain(`et=${REDACTED}`);
    // An ordinary value that merely repeats elsewhere is left alone.
    expect(new Redactor().redactString('{"value":"ordinary-value","other":"ordinary-value"}')).toBe('{"value":"ordinary-value","other":"ordinary-value"}');
  });
});
